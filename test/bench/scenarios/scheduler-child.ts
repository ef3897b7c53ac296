/** Child entry of the scheduler scenario: `node scheduler-child.mjs NODES PODS REPS` prints the measurements as JSON. */
import { measureScheduler } from './scheduler-measure.js';

const [nodes, pods, reps] = process.argv.slice(2).map(Number);
process.stdout.write(`${JSON.stringify(measureScheduler(nodes!, pods!, reps!))}\n`);
