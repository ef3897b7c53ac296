import { describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/node.js';
import type { Pod } from '../../../shared/pod.js';
import { parseArgs } from '../../flags/args.js';
import { drainCommand, drainRequestFromArgs, runDrain, type DrainRequest } from './drain.js';
import { memoryClient } from '../../connection/testing/memory-client.js';
import { memoryObjectClient } from '../../connection/testing/memory-object-client.js';

const pod = (name: string, node: string, owner?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ownerReferences: owner ? [{ apiVersion: 'apps/v1', kind: owner, name: 'o', uid: 'o', controller: true }] : undefined },
  spec: { nodeName: node, terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'i' }] },
});

function setup() {
  const mc = memoryClient();
  mc.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1' } } as Node);
  mc.put(pod('web-1', 'edge-1', 'ReplicaSet'));
  mc.put(pod('web-2', 'edge-1', 'ReplicaSet'));
  mc.put(pod('collector', 'edge-1', 'DaemonSet'));
  mc.put(pod('elsewhere', 'server-0', 'ReplicaSet'));
  const out: string[] = [];
  const err: string[] = [];
  const slept: number[] = [];
  let t = 0;
  const deps = { sleep: async (ms: number) => void (slept.push(ms), (t += ms)), now: () => t };
  return { mc, client: memoryObjectClient(mc), io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err, deps, slept };
}

const req = (o: Partial<DrainRequest> = {}): DrainRequest => ({ ignoreDaemonsets: true, force: false, deleteEmptydirData: false, gracePeriod: -1, timeoutMs: 0, ...o });
const left = async (mc: ReturnType<typeof memoryClient>) => (await mc.list<Pod>('Pod')).items.map((p) => p.metadata.name).sort();

describe('runDrain', () => {
  it('cordons, deletes the pods something recreates, skips DaemonSet pods, prints what kubectl prints', async () => {
    const s = setup();
    expect(await runDrain(s.client, 'edge-1', req(), s.io, s.deps)).toBe(0);
    expect(s.out.join('')).toBe('node/edge-1 cordoned\nevicting pod default/web-1\nevicting pod default/web-2\npod/web-1 evicted\npod/web-2 evicted\nnode/edge-1 drained\n');
    expect(s.err.join('')).toBe('Warning: ignoring DaemonSet-managed Pods: default/collector\n');
    expect(await left(s.mc)).toEqual(['collector', 'elsewhere']);
    expect((await s.mc.get<Node>('Node', undefined, 'edge-1')).spec?.unschedulable).toBe(true);
    expect(s.slept).toEqual([]);
  });

  it('refuses and deletes nothing without --ignore-daemonsets; the node stays cordoned', async () => {
    const s = setup();
    expect(await runDrain(s.client, 'edge-1', req({ ignoreDaemonsets: false }), s.io, s.deps)).toBe(1);
    expect(s.err.join('')).toBe('error: unable to drain node "edge-1" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/collector\n');
    expect(await left(s.mc)).toEqual(['collector', 'elsewhere', 'web-1', 'web-2']);
    expect((await s.mc.get<Node>('Node', undefined, 'edge-1')).spec?.unschedulable).toBe(true);
  });

  it('--grace-period goes with each delete, as kubectl sends it; the pods\' specs stay as they are', async () => {
    const s = setup();
    expect(await runDrain(s.client, 'edge-1', req({ gracePeriod: 5 }), s.io, s.deps)).toBe(0);
    expect(s.mc.calls.filter((c) => c.startsWith('delete'))).toEqual(['delete Pod web-1 {"gracePeriodSeconds":5}', 'delete Pod web-2 {"gracePeriodSeconds":5}']);
    expect(s.client.patches.filter((p) => p.startsWith('Pod'))).toEqual([]);
    expect(s.slept).toEqual([]);
  });

  it('--timeout gives up on pods that do not go away', async () => {
    const s = setup();
    const stubborn = { ...s.client, delete: async () => ({}) as never };
    expect(await runDrain(stubborn, 'edge-1', req({ timeoutMs: 3000 }), s.io, s.deps)).toBe(1);
    expect(s.err.join('')).toContain('error: drain did not complete within 3s: still waiting for default/web-1, default/web-2');
  });
});

describe('drain flags', () => {
  const args = (argv: string[]) => parseArgs(argv, drainCommand.flags, { command: 'kedge drain' });
  it('reads kubectl\'s flags and names the bad one', () => {
    expect(drainRequestFromArgs(args(['edge-1', '--ignore-daemonsets', '--force', '--grace-period', '0', '--timeout', '2m']))).toEqual({
      ignoreDaemonsets: true, force: true, deleteEmptydirData: false, gracePeriod: 0, timeoutMs: 120_000,
    });
    expect(drainRequestFromArgs(args(['edge-1'])).gracePeriod).toBe(-1);
    expect(() => drainRequestFromArgs(args(['edge-1', '--grace-period', 'soon']))).toThrow('--grace-period: "soon" is not a whole number of seconds');
    expect(() => drainRequestFromArgs(args(['edge-1', '--timeout', '5']))).toThrow('--timeout: "5" is not a duration');
  });
});
