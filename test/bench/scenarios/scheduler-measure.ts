/** The scheduler workload and its timing loop (pure: no I/O), run bundled in a child by the scenario. */
import type { Node } from '../../../shared/node.js';
import type { Pod } from '../../../shared/pod.js';
import { schedule } from '../../../server/scheduler/schedule.js';
import { makeNode, makePod } from '../../../server/scheduler/testing/builders.js';

/**
 * A mixed cluster: a tenth of the nodes in another zone, a few cordoned; pods of 50 owners (spread
 * scoring), a fifth with a nodeSelector, some with a host port.
 */
export function schedulerWorkload(nodeCount: number, podCount: number): { nodes: Node[]; pending: Pod[] } {
  const nodes: Node[] = [];
  for (let i = 0; i < nodeCount; i++) {
    nodes.push(makeNode(`node-${i}`, { cpu: '4', memory: '8Gi', labels: { zone: i % 10 === 0 ? 'b' : 'a' }, unschedulable: i % 97 === 0 }));
  }
  const pending: Pod[] = [];
  for (let i = 0; i < podCount; i++) {
    pending.push(
      makePod(`pod-${i}`, {
        cpu: '100m',
        memory: '128Mi',
        owner: `rs-${i % 50}`,
        nodeSelector: i % 5 === 0 ? { zone: i % 10 === 0 ? 'b' : 'a' } : undefined,
        hostPort: i % 100 === 0 ? 8080 : undefined,
        created: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 3600)).toISOString(),
      }),
    );
  }
  return { nodes, pending };
}

/** Runs schedule() `reps` times on the same workload; each run starts from an empty cluster. */
export function measureScheduler(nodeCount: number, podCount: number, reps: number) {
  const { nodes, pending } = schedulerWorkload(nodeCount, podCount);
  // Warm the JIT on a small run first, so the first repetition is not the slow one.
  schedule(nodes.slice(0, 50), [], pending.slice(0, 500));
  const rates: number[] = [];
  const seconds: number[] = [];
  let placed = 0;
  let unschedulable = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const result = schedule(nodes, [], pending);
    const s = (performance.now() - t0) / 1000;
    seconds.push(s);
    rates.push(result.placements.length / s);
    placed = result.placements.length;
    unschedulable = result.unschedulable.length;
  }
  return { rates, seconds, placed, unschedulable };
}
