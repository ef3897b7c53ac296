import { describe, expect, it } from 'vitest';
import type { NodeReport, PodStatusReport } from '../../shared/messages.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { openStore } from '../store/store.js';
import { createNodeMessageDispatcher } from './dispatch.js';
import { createJoinHandler } from './join.js';
import { createNodeTracker } from './tracker.js';
import { sha256Hex } from './credentials.js';
import type { InvolvedObject, RecordOptions } from '../events/recorder.js';
import type { NodeEvents } from '../../shared/messages.js';

const report = (node: string, over: Partial<NodeReport> = {}): NodeReport => ({
  node, time: new Date().toISOString(), agentVersion: '0.1.0', arch: 'arm64', os: 'linux', kernel: '6.1', osImage: 'Debian 12',
  hostname: node, addresses: ['127.0.0.1'], containerRuntimeVersion: 'containerd 1.6', cpu: { count: 4, model: 'Cortex-A72', load1: 0.1 },
  memory: { total: 4 * 2 ** 30, available: 3 * 2 ** 30 }, disk: { total: 32 * 2 ** 30, free: 20 * 2 ** 30 },
  labels: { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': node }, ...over,
});

function setup() {
  const store = openStore(':memory:');
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const recorded: { kind: string; name: string; type: string; reason: string; message: string; o?: RecordOptions }[] = [];
  const events = { record: (obj: InvolvedObject, type: string, reason: string, message: string, o?: RecordOptions) => void recorded.push({ kind: obj.kind, name: obj.name, type, reason, message, o }) };
  const tracker = createNodeTracker({ store, now: clock.now, events });
  const join = createJoinHandler({ store, caPem: 'CA', mqttPort: 8883 });
  const logs: string[] = [];
  const dispatcher = createNodeMessageDispatcher({ store, tracker, log: (m) => logs.push(m), events });
  return { store, clock, tracker, join, dispatcher, logs, recorded };
}

const ready = (n: Node | undefined) => n?.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('join', () => {
  it('registers a node, hashes its passwords, and refuses the same name with another password', async () => {
    const { store, join } = setup();
    const res = await join({ nodeName: 'edge-1', nodePassword: 'p'.repeat(32) }, { host: 'pi.local:6443' });
    expect(res.mqtt.url).toBe('mqtts://pi.local:8883');
    const creds = store.getNodeCredentials('edge-1')!;
    expect(creds.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(creds.mqttPasswordHash).toBe(sha256Hex(res.mqtt.password));
    expect(store.get('Node', '', 'edge-1')).toBeDefined();
    const again = await join({ nodeName: 'edge-1', nodePassword: 'p'.repeat(32) });
    expect(again.mqtt.password).not.toBe(res.mqtt.password);
    await expect(join({ nodeName: 'edge-1', nodePassword: 'q'.repeat(32) })).rejects.toThrow(/already taken/);
  });
});

describe('join, concurrently', () => {
  it('two machines joining one new name at the same time: one gets it, the other is refused', async () => {
    const { store, join } = setup();
    const results = await Promise.allSettled([join({ nodeName: 'twin', nodePassword: 'a'.repeat(32) }), join({ nodeName: 'twin', nodePassword: 'b'.repeat(32) })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const won = results.findIndex((r) => r.status === 'fulfilled');
    const lost = results[1 - won] as PromiseRejectedResult;
    expect(String(lost.reason)).toMatch(/already taken/);
    const mqtt = (results[won] as PromiseFulfilledResult<{ mqtt: { password: string } }>).value.mqtt.password;
    expect(store.getNodeCredentials('twin')?.mqttPasswordHash).toBe(sha256Hex(mqtt));
  });
});

describe('node tracker', () => {
  it('a report makes a node Ready with capacity; repeated identical reports write nothing', async () => {
    const { store, tracker, join } = setup();
    await join({ nodeName: 'pi', nodePassword: 'p'.repeat(32) });
    tracker.onReport('pi', report('pi'));
    const n = store.get('Node', '', 'pi') as Node;
    expect(ready(n)).toBe('True');
    expect(n.status?.capacity?.cpu).toBe('4');
    expect(n.status?.nodeInfo?.architecture).toBe('arm64');
    const rv = store.currentResourceVersion();
    tracker.onReport('pi', report('pi', { memory: { total: 4 * 2 ** 30, available: 2 ** 30 }, cpu: { count: 4, model: 'Cortex-A72', load1: 2 } }));
    expect(store.currentResourceVersion()).toBe(rv);
    expect(tracker.view(n).metadata.annotations?.['kedge.io/memory-available']).toBe(String(2 ** 30));
  });

  it('NotReady after 3 missed heartbeats, and at once on the last will', async () => {
    const { store, tracker, join, clock } = setup();
    await join({ nodeName: 'a', nodePassword: 'p'.repeat(32) });
    await join({ nodeName: 'b', nodePassword: 'p'.repeat(32) });
    tracker.onReport('a', report('a'));
    tracker.onReport('b', report('b'));
    clock.advance(25_000);
    tracker.tick();
    expect(ready(store.get('Node', '', 'a') as Node)).toBe('True');
    clock.advance(6_000);
    tracker.tick();
    expect(ready(store.get('Node', '', 'a') as Node)).toBe('Unknown');
    tracker.onReport('b', report('b'));
    tracker.onOnline('b', false);
    expect(ready(store.get('Node', '', 'b') as Node)).toBe('Unknown');
  });
});

describe('node tracker in a fleet', () => {
  it('an unchanged heartbeat of a Ready node neither reads nor writes the store; a changed one does', async () => {
    const { store, tracker, join } = setup();
    await join({ nodeName: 'pi', nodePassword: 'p'.repeat(32) });
    tracker.onReport('pi', report('pi'));
    let reads = 0;
    const get = store.get.bind(store);
    store.get = (...a) => (reads++, get(...a));
    let lists = 0;
    const list = store.list.bind(store);
    store.list = (...a) => (lists++, list(...a));
    const rv = store.currentResourceVersion();
    tracker.onReport('pi', report('pi', { cpu: { count: 4, model: 'Cortex-A72', load1: 3 } }));
    expect(reads).toBe(0);
    expect(store.currentResourceVersion()).toBe(rv);
    tracker.onReport('pi', report('pi', { labels: { ...report('pi').labels, zone: 'barn' } }));
    expect(reads).toBe(1);
    expect((store.get('Node', '', 'pi') as Node).metadata.labels?.zone).toBe('barn');
    // The per-second check walks its own list: one store listing per fullPassEvery ticks.
    for (let i = 0; i < 29; i++) tracker.tick();
    expect(lists).toBe(1);
  });

  it('a node another writer marked Ready is watched from the next full pass on', async () => {
    const { store, tracker, join, clock } = setup();
    await join({ nodeName: 'a', nodePassword: 'p'.repeat(32) });
    tracker.onReport('a', report('a'));
    tracker.onOnline('a', false);
    tracker.tick(); // full pass: a is NotReady
    // Someone else (an operator's PATCH) flips it back to Ready without a heartbeat.
    const n = store.get('Node', '', 'a') as Node;
    store.update({ ...n, status: { ...n.status, conditions: n.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'True' } : c)) } }, { subresource: 'status' });
    clock.advance(31_000);
    for (let i = 0; i < 29; i++) tracker.tick();
    expect(ready(store.get('Node', '', 'a') as Node)).toBe('True');
    tracker.tick(); // the 31st tick reads every node again
    expect(ready(store.get('Node', '', 'a') as Node)).toBe('Unknown');
  });
});

describe('node lifecycle taints and events', () => {
  it('NotReady adds unreachable:NoExecute with timeAdded in the same write; Ready again removes it', async () => {
    const { store, tracker, join, recorded } = setup();
    await join({ nodeName: 'a', nodePassword: 'p'.repeat(32) });
    tracker.onReport('a', report('a'));
    expect((store.get('Node', '', 'a') as Node).spec?.taints).toBeUndefined();
    const rv = store.currentResourceVersion();
    tracker.onOnline('a', false);
    expect(store.currentResourceVersion()).toBe(rv + 1);
    const down = store.get('Node', '', 'a') as Node;
    expect(ready(down)).toBe('Unknown');
    expect(down.spec?.taints).toEqual([{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: new Date(1_000_000).toISOString().replace(/\.\d+Z$/, 'Z') }]);
    tracker.onReport('a', report('a'));
    const up = store.get('Node', '', 'a') as Node;
    expect(ready(up)).toBe('True');
    expect(up.spec?.taints).toBeUndefined();
    expect(recorded.map((e) => `${e.kind}/${e.name} ${e.reason}: ${e.message}`)).toEqual([
      'Node/a NodeReady: Node a status is now: NodeReady',
      'Node/a NodeNotReady: Node a status is now: NodeNotReady',
      'Node/a NodeReady: Node a status is now: NodeReady',
    ]);
  });

  it('keeps taints a user set across Ready flips', async () => {
    const { store, tracker, join } = setup();
    await join({ nodeName: 'a', nodePassword: 'p'.repeat(32) });
    tracker.onReport('a', report('a'));
    const n = store.get('Node', '', 'a') as Node;
    store.update({ ...n, spec: { ...n.spec, taints: [{ key: 'dedicated', value: 'cam', effect: 'NoSchedule' }] } });
    tracker.onOnline('a', false);
    expect((store.get('Node', '', 'a') as Node).spec?.taints?.map((t) => t.key)).toEqual(['dedicated', 'node.kubernetes.io/unreachable']);
    tracker.onReport('a', report('a'));
    expect((store.get('Node', '', 'a') as Node).spec?.taints?.map((t) => t.key)).toEqual(['dedicated']);
  });
});

describe('node message dispatch', () => {
  it("records a node's pod events as kubelet Events, only for its own pods", () => {
    const { store, dispatcher, recorded, logs } = setup();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const mine = store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mine', namespace: 'default' }, spec: { nodeName: 'a', containers: [{ name: 'c', image: 'x' }] } } as Pod) as Pod;
    const theirs = store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'theirs', namespace: 'default' }, spec: { nodeName: 'b', containers: [{ name: 'c', image: 'x' }] } } as Pod) as Pod;
    const ev = (p: Pod, reason: string) => ({ pod: { namespace: 'default', name: p.metadata.name!, uid: p.metadata.uid! }, fieldPath: 'spec.containers{c}', reason, message: `${reason} c`, type: 'Normal' as const, time: new Date().toISOString() });
    const msg: NodeEvents = { node: 'a', events: [ev(mine, 'Started'), ev(theirs, 'Killing'), { ...ev(mine, 'Pulled'), pod: { namespace: 'default', name: 'mine', uid: 'stale' } }, { ...ev(mine, 'BackOff'), type: 'Warning', count: 3 }] };
    dispatcher.handle('a', 'events', Buffer.from(JSON.stringify(msg)));
    expect(recorded.map((e) => `${e.name} ${e.type} ${e.reason} x${e.o?.count ?? 1} from ${e.o?.component}/${e.o?.host}`)).toEqual(['mine Normal Started x1 from kubelet/a', 'mine Warning BackOff x3 from kubelet/a']);
    expect(logs.some((l) => l.includes('theirs') && l.includes('bound to b'))).toBe(true);
    dispatcher.handle('b', 'events', Buffer.from(JSON.stringify(msg)));
    dispatcher.handle('a', 'events', Buffer.from(JSON.stringify({ node: 'a', events: [{ reason: 'x' }] })));
    expect([...dispatcher.dropped.keys()].sort()).toEqual(['events:forged', 'events:invalid']);
  });

  it('drops invalid, forged and forbidden messages without throwing', async () => {
    const { dispatcher, logs } = setup();
    dispatcher.handle('a', 'status', Buffer.from('{not json'));
    dispatcher.handle('a', 'status', Buffer.from(JSON.stringify({ node: 'a' })));
    dispatcher.handle('a', 'status', Buffer.from(JSON.stringify(report('b'))));
    dispatcher.handle('a', 'desired', Buffer.from('{}'));
    dispatcher.handle('a', 'online', Buffer.from('maybe'));
    expect(logs).toHaveLength(5);
    expect(logs.every((l) => l.includes('node a'))).toBe(true);
    expect([...dispatcher.dropped.keys()].sort()).toEqual(['desired:forbidden', 'online:invalid', 'status:forged', 'status:invalid', 'status:unreadable']);
  });

  it("applies pod status only for the node's own pods", async () => {
    const { store, dispatcher } = setup();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const pod = store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'a', containers: [{ name: 'c', image: 'x' }] } } as Pod) as Pod;
    const msg = (node: string): PodStatusReport => ({ node, pods: [{ namespace: 'default', name: 'p', uid: pod.metadata.uid!, status: { phase: 'Running' } }] });
    dispatcher.handle('b', 'pods', Buffer.from(JSON.stringify(msg('b'))));
    expect((store.get('Pod', 'default', 'p') as Pod).status?.phase).toBeUndefined();
    dispatcher.handle('a', 'pods', Buffer.from(JSON.stringify(msg('a'))));
    expect((store.get('Pod', 'default', 'p') as Pod).status?.phase).toBe('Running');
    const rv = store.currentResourceVersion();
    dispatcher.handle('a', 'pods', Buffer.from(JSON.stringify(msg('a'))));
    expect(store.currentResourceVersion()).toBe(rv);
  });

  it('takes the pod network addresses a node reports (podIP, podIPs, hostIPs)', async () => {
    const { store, dispatcher } = setup();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const pod = store.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'a', containers: [{ name: 'c', image: 'x' }] } } as Pod) as Pod;
    const status = { phase: 'Running' as const, hostIP: '192.0.2.5', hostIPs: [{ ip: '192.0.2.5' }], podIP: '10.42.0.7', podIPs: [{ ip: '10.42.0.7' }] };
    dispatcher.handle('a', 'pods', Buffer.from(JSON.stringify({ node: 'a', pods: [{ namespace: 'default', name: 'p', uid: pod.metadata.uid!, status }] } satisfies PodStatusReport)));
    expect((store.get('Pod', 'default', 'p') as Pod).status).toMatchObject(status);
  });
});
