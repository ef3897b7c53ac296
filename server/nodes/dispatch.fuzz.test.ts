import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kindByName, kinds } from '../../shared/kinds.js';
import type { NodeEvents, NodeReport, PodStatusReport } from '../../shared/messages.js';
import type { Pod } from '../../shared/pod.js';
import type { NodeTopicKind } from '../../shared/topics.js';
import { topics } from '../../shared/topics.js';
import { nastyString, payloads } from '../../test/fixtures/fuzz.js';
import { createEventRecorder } from '../events/recorder.js';
import { createRpcClient } from '../rpc/client.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/types.js';
import { createNodeMessageDispatcher } from './dispatch.js';
import { createNodeTracker } from './tracker.js';

const node = 'edge-1';

function pod(name: string, nodeName: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] }, status: { phase: 'Pending' } };
}

function setup() {
  const store = openStore(':memory:');
  store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  for (const n of [node, 'other']) store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n }, spec: {}, status: {} });
  const mine = store.create(pod('mine', node)) as Pod;
  const theirs = store.create(pod('theirs', 'other')) as Pod;
  const events = createEventRecorder({ store, setTimer: () => 0, clearTimer: () => undefined });
  const tracker = createNodeTracker({ store, events });
  const rpc = createRpcClient({ publish: async () => undefined, newId: () => 'call-0001', openTimeoutMs: 3_600_000 });
  const logs: string[] = [];
  const dispatcher = createNodeMessageDispatcher({ store, tracker, rpc, events, log: (m) => logs.push(m) });
  return { store, mine, theirs, rpc, dispatcher, logs };
}

/** Every stored object still passes its kind's schema. */
function invalidObjects(store: Store): string[] {
  const bad: string[] = [];
  for (const k of kinds) {
    for (const o of store.list(k.kind).items) {
      const r = kindByName(o.kind)!.schema.safeParse(o);
      if (!r.success) bad.push(`${o.kind} ${o.metadata.name}: ${r.error.issues[0]?.message}`);
    }
  }
  return bad;
}

const report = (name: string): NodeReport => ({
  node: name, time: new Date(0).toISOString(), agentVersion: '0.1.0', arch: 'arm64', os: 'linux', kernel: '6.1', osImage: 'Debian 12', hostname: name,
  addresses: ['10.0.0.2'], containerRuntimeVersion: 'containerd 1.7', cpu: { count: 4, model: 'A72', load1: 0.1 }, memory: { total: 4e9, available: 3e9 },
  disk: { total: 3e10, free: 2e10 }, labels: { 'kubernetes.io/hostname': name },
});

function podReport(p: Pod, forNode = node): PodStatusReport {
  return {
    node: forNode,
    full: true,
    pods: [{
      namespace: 'default', name: p.metadata.name!, uid: p.metadata.uid!,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'c', image: 'busybox', ready: true, restartCount: 0, state: { running: { startedAt: new Date(0).toISOString() } } }] },
    }],
  };
}

function eventsReport(p: Pod, forNode = node): NodeEvents {
  return { node: forNode, events: [{ pod: { namespace: 'default', name: p.metadata.name!, uid: p.metadata.uid! }, reason: 'Started', message: 'Started container c', type: 'Normal', time: new Date(0).toISOString() }] };
}

const valid = (s: ReturnType<typeof setup>, kind: NodeTopicKind | 'rpc'): unknown => {
  switch (kind) {
    case 'status': return report(node);
    case 'pods': return podReport(s.mine);
    case 'events': return eventsReport(s.mine);
    case 'online': return '1';
    case 'desired': return { node, revision: 1, pods: [] };
    case 'rpc': return { type: 'data', seq: 1, stream: 'stdout', data: 'aGk=' };
  }
};

const handlerKinds: (NodeTopicKind | 'rpc')[] = ['status', 'pods', 'online', 'events', 'desired', 'rpc'];

describe('node message dispatcher under fuzzing', () => {
  it.each(handlerKinds)('%s: no exception escapes, no invalid object reaches the store, another node is untouched', (kind) => {
    const s = setup();
    const call = s.rpc.open(node, { op: 'logs', pod: { namespace: 'default', name: 'mine', uid: s.mine.metadata.uid! }, container: 'c' });
    call.opened.catch(() => undefined);
    call.ended.catch(() => undefined);
    const otherBefore = JSON.stringify([s.store.get('Node', '', 'other'), s.store.get('Pod', 'default', 'theirs')]);
    const topic = kind === 'rpc' ? topics.rpc(node, 'res/call-0001') : `kedge/v1/nodes/${node}/${kind}`;
    fc.assert(
      fc.property(payloads(valid(s, kind)), (payload) => {
        expect(() => s.dispatcher.handle(node, kind, payload, topic)).not.toThrow();
      }),
      { numRuns: 300 },
    );
    expect(invalidObjects(s.store)).toEqual([]);
    expect(JSON.stringify([s.store.get('Node', '', 'other'), s.store.get('Pod', 'default', 'theirs')])).toBe(otherBefore);
    call.cancel();
  });

  it('forged reports naming another node, or its pods, change nothing of that node', () => {
    const s = setup();
    const before = JSON.stringify([s.store.get('Node', '', 'other'), s.store.get('Pod', 'default', 'theirs')]);
    const forged = fc.oneof(
      fc.constant({ kind: 'status' as const, body: report('other') }),
      fc.constant({ kind: 'pods' as const, body: podReport(s.theirs, 'other') }),
      fc.constant({ kind: 'pods' as const, body: podReport(s.theirs) }), // its own name, another node's pod
      fc.constant({ kind: 'events' as const, body: eventsReport(s.theirs) }),
      fc.constant({ kind: 'events' as const, body: eventsReport(s.theirs, 'other') }),
      nastyString.map((n) => ({ kind: 'status' as const, body: { ...report(node), node: n } })),
    );
    fc.assert(
      fc.property(forged, ({ kind, body }) => {
        s.dispatcher.handle(node, kind, Buffer.from(JSON.stringify(body)));
      }),
      { numRuns: 200 },
    );
    expect(JSON.stringify([s.store.get('Node', '', 'other'), s.store.get('Pod', 'default', 'theirs')])).toBe(before);
    expect(s.store.list('Event').items.filter((e) => JSON.stringify(e).includes('theirs'))).toEqual([]);
    expect(s.dispatcher.dropped.get('status:forged')).toBeGreaterThan(0);
  });

  it('a valid pod report still lands after all that', () => {
    const s = setup();
    for (let i = 0; i < 50; i++) s.dispatcher.handle(node, 'pods', Buffer.from(`{"node":"${node}","pods":[{"namespace":1}]}`));
    s.dispatcher.handle(node, 'pods', Buffer.from(JSON.stringify(podReport(s.mine))));
    expect((s.store.get('Pod', 'default', 'mine') as Pod).status?.phase).toBe('Running');
  });
});
