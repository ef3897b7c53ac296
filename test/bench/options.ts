/** `npm run bench -- [flags]`: which scenarios, at which sizes. */
import { parseArgs } from 'node:util';
import type { RuntimeName } from './kedge-process.js';

export interface BenchOptions {
  only: string[];
  skip: string[];
  runtimes: RuntimeName[];
  mainRuntime: RuntimeName;
  out: string;
  keep: boolean;
  /** Extra node flags for every kedge process run by node (experiments: --max-semi-space-size=1…). */
  nodeArgs: string[];
  profile: boolean;
  heapSnapshot: boolean;
  schedNodes: number;
  schedPods: number;
  schedReps: number;
  apiPods: number;
  apiClients: number;
  fleet: number[];
  fleetPods: number;
  fleetSeconds: number;
  fleetClientsPerProcess: number;
  fleetSetupMinutes: number;
  heartbeatMs: number;
  changesPerSecond: number;
  idleSeconds: number;
  agentSeconds: number;
  agentPods: number;
  applyPods: number;
  diskNodes: number;
  minutes: number;
  coldReps: number;
  failoverReplicas: number;
  failoverRuns: number;
  failoverFreezeRuns: number;
  dnsQps: number;
  dnsSeconds: number;
  help: boolean;
}

const spec = {
  only: { type: 'string', multiple: true, help: 'run only these scenarios (comma-separated or repeated)' },
  skip: { type: 'string', multiple: true, help: 'skip these scenarios' },
  runtime: { type: 'string', default: 'tsx,bundle', help: 'runtimes compared for memory and start time: tsx, bundle, sea (dist/kedge-linux-*)' },
  'main-runtime': { type: 'string', default: 'bundle', help: 'runtime of every other scenario' },
  out: { type: 'string', default: 'bench/results/latest.json', help: 'where the JSON goes' },
  keep: { type: 'boolean', default: false, help: 'keep temp dirs (data dirs, logs)' },
  'node-args': { type: 'string', default: '', help: 'extra node flags for every kedge process (space-separated), e.g. "--max-semi-space-size=1"' },
  profile: { type: 'boolean', default: false, help: 'write a --cpu-prof of the server in api, fleet and idle-disk to bench/results/profiles/' },
  'heap-snapshot': { type: 'boolean', default: false, help: 'write a heap snapshot of the server at the fleet peak' },
  'sched-nodes': { type: 'string', default: '1000', help: 'scheduler: nodes' },
  'sched-pods': { type: 'string', default: '10000', help: 'scheduler: pending pods' },
  'sched-reps': { type: 'string', default: '5', help: 'scheduler: repetitions' },
  'api-pods': { type: 'string', default: '5000', help: 'api: pods created' },
  'api-clients': { type: 'string', default: '16', help: 'api: concurrent clients' },
  fleet: { type: 'string', default: '1000,5000', help: 'fleet: node counts, grown in one run' },
  'fleet-pods': { type: 'string', default: '10', help: 'fleet: pods per node' },
  'fleet-seconds': { type: 'string', default: '60', help: 'fleet: measuring window per size' },
  'fleet-clients-per-process': { type: 'string', default: '2500', help: 'fleet: simulated agents per child process' },
  'fleet-setup-minutes': { type: 'string', default: '10', help: 'fleet: a size whose setup (join, pods, all Running) takes longer is called off' },
  'heartbeat-ms': { type: 'string', default: '10000', help: 'fleet, idle-disk: heartbeat period of simulated agents' },
  'changes-per-sec': { type: 'string', default: '10', help: 'fleet: pod status changes per second over the whole fleet' },
  'idle-seconds': { type: 'string', default: '20', help: 'server-idle: sampling window' },
  'agent-seconds': { type: 'string', default: '60', help: 'agent-idle: sampling window' },
  'agent-pods': { type: 'string', default: '5', help: 'agent-idle: pods on the agent' },
  'apply-pods': { type: 'string', default: '10', help: 'apply-running: pods (and as many bare ctr runs)' },
  'disk-nodes': { type: 'string', default: '10', help: 'idle-disk: simulated nodes' },
  minutes: { type: 'string', default: '5', help: 'idle-disk: minutes measured' },
  'cold-reps': { type: 'string', default: '5', help: 'cold-start: starts per runtime and data dir state' },
  'failover-replicas': { type: 'string', default: '10', help: 'failover: pods on the killed agent' },
  'failover-runs': { type: 'string', default: '3', help: 'failover: repetitions with the agent killed (each on a fresh cluster)' },
  'failover-freeze-runs': { type: 'string', default: '1', help: 'failover: repetitions with the agent frozen (SIGSTOP, like a power cut); 0 skips' },
  'dns-qps': { type: 'string', default: '1000', help: 'dns: queries per second for Service names' },
  'dns-seconds': { type: 'string', default: '20', help: 'dns: measuring window' },
  help: { type: 'boolean', default: false, help: 'this text' },
} as const;

function positiveNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: "${v}" is not a positive number`);
  return n;
}

function nonNegative(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: "${v}" is not a whole number`);
  return n;
}

function list(v: string[] | string | undefined): string[] {
  return (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

function runtimeName(flag: string, v: string): RuntimeName {
  if (v === 'tsx' || v === 'bundle' || v === 'sea') return v;
  throw new Error(`--${flag}: "${v}" is not a runtime (tsx, bundle, sea)`);
}

export function parseBenchArgs(argv: string[]): BenchOptions {
  const options = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, { type: v.type, ...('multiple' in v ? { multiple: true } : {}), ...('default' in v ? { default: v.default } : {}) }]));
  const { values: v, positionals } = parseArgs({ args: argv, options: options as never, allowPositionals: true, strict: true });
  if (positionals.length) throw new Error(`unexpected arguments: ${positionals.join(' ')} (scenarios go after --only)`);
  const val = v as Record<string, string | string[] | boolean | undefined>;
  const num = (k: string) => positiveNumber(k, val[k] as string);
  return {
    only: list(val.only as string[] | undefined),
    skip: list(val.skip as string[] | undefined),
    runtimes: list(val.runtime as string).map((r) => runtimeName('runtime', r)),
    mainRuntime: runtimeName('main-runtime', val['main-runtime'] as string),
    out: val.out as string,
    keep: val.keep as boolean,
    nodeArgs: (val['node-args'] as string).split(/\s+/).filter(Boolean),
    profile: val.profile as boolean,
    heapSnapshot: val['heap-snapshot'] as boolean,
    schedNodes: num('sched-nodes'),
    schedPods: num('sched-pods'),
    schedReps: num('sched-reps'),
    apiPods: num('api-pods'),
    apiClients: num('api-clients'),
    fleet: list(val.fleet as string).map((s) => positiveNumber('fleet', s)).sort((a, b) => a - b),
    fleetPods: num('fleet-pods'),
    fleetSeconds: num('fleet-seconds'),
    fleetClientsPerProcess: num('fleet-clients-per-process'),
    fleetSetupMinutes: num('fleet-setup-minutes'),
    heartbeatMs: num('heartbeat-ms'),
    changesPerSecond: num('changes-per-sec'),
    idleSeconds: num('idle-seconds'),
    agentSeconds: num('agent-seconds'),
    agentPods: num('agent-pods'),
    applyPods: num('apply-pods'),
    diskNodes: num('disk-nodes'),
    minutes: num('minutes'),
    coldReps: num('cold-reps'),
    failoverReplicas: num('failover-replicas'),
    failoverRuns: num('failover-runs'),
    failoverFreezeRuns: nonNegative('failover-freeze-runs', val['failover-freeze-runs'] as string),
    dnsQps: num('dns-qps'),
    dnsSeconds: num('dns-seconds'),
    help: val.help as boolean,
  };
}

export function benchUsage(scenarios: { name: string; title: string }[]): string {
  const flags = Object.entries(spec).map(([k, v]) => `  --${k}${v.type === 'string' ? ' VALUE' : ''}`.padEnd(38) + ' ' + `${v.help}${'default' in v && v.type === 'string' ? ` (default ${v.default})` : ''}`);
  const names = scenarios.map((s) => `  ${s.name.padEnd(14)}${s.title}`);
  return ['Usage: npm run bench -- [--only SCENARIO,…] [flags]', '', 'Scenarios, in the order they run:', ...names, '', 'Flags:', ...flags].join('\n');
}
