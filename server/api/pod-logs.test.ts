import { describe, expect, it } from 'vitest';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import type { RpcRequest, RpcResponse } from '../../shared/rpc.js';
import { createRpcClient } from '../rpc/client.js';
import type { Store } from '../store/types.js';
import { logOptions } from './pod-logs.js';
import { testApi } from './testing/fixtures.js';

/** A node that answers every request with `answer(request)` over an in-memory rpc client. */
function fakeNode(answer: (req: RpcRequest) => RpcResponse[] | 'silent') {
  const requests: RpcRequest[] = [];
  const rpc = createRpcClient({
    openTimeoutMs: 200,
    publish: async (topic, payload) => {
      const req = JSON.parse(payload) as RpcRequest;
      requests.push(req);
      if (req.op === 'cancel') return;
      const id = topic.split('/').at(-1)!;
      const node = topic.split('/')[3]!;
      const msgs = answer(req);
      if (msgs === 'silent') return;
      setTimeout(() => msgs.forEach((m) => rpc.onMessage(node, `res/${id}`, Buffer.from(JSON.stringify(m)))), 1);
    },
  });
  return { rpc, requests };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

function addNode(store: Store, name: string, ready: 'True' | 'Unknown', since = '2024-05-01T10:00:00Z') {
  store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready, lastTransitionTime: since }] } } as KObject);
}

function addPod(store: Store, name: string, o: { node?: string; containers?: string[]; restartCount?: number; waiting?: string } = {}): Pod {
  const containers = o.containers ?? ['web'];
  const state = o.waiting ? { waiting: { reason: o.waiting } } : { running: { startedAt: '2024-05-01T10:00:00Z' } };
  return store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: containers.map((c) => ({ name: c, image: 'busybox' })), ...(o.node ? { nodeName: o.node } : {}) },
    status: { phase: 'Running', containerStatuses: containers.map((c) => ({ name: c, image: 'busybox', ready: true, restartCount: o.restartCount ?? 0, state })) },
  } as KObject) as Pod;
}

describe('GET pods/{name}/log', () => {
  it('asks the pod\'s node for the container\'s log with kubectl\'s parameters and returns plain text', async () => {
    const node = fakeNode(() => [{ type: 'open', seq: 0 }, { type: 'data', seq: 1, stream: 'stdout', data: b64('line 1\nline 2\n') }, { type: 'end', seq: 2 }]);
    const t = testApi({ rpc: node.rpc });
    addNode(t.store, 'edge-1', 'True');
    const pod = addPod(t.store, 'web-1', { node: 'edge-1', restartCount: 2 });
    const res = await t.call('GET', '/api/v1/namespaces/default/pods/web-1/log?tailLines=5&sinceSeconds=60&limitBytes=100');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('line 1\nline 2\n');
    expect(node.requests[0]).toMatchObject({ op: 'logs', pod: { namespace: 'default', name: 'web-1', uid: pod.metadata.uid }, container: 'web', restartCount: 2, tailLines: 5, limitBytes: 100 });
    expect((node.requests[0] as { sinceMs: number }).sinceMs).toBeGreaterThan(Date.now() - 61_000);
  });

  it('streams a follow and cancels it on the node when the client goes away', async () => {
    const node = fakeNode((req) => (req.op === 'logs' && req.follow ? [{ type: 'open', seq: 0 }, { type: 'data', seq: 1, stream: 'stdout', data: b64('first\n') }] : []));
    const t = testApi({ rpc: node.rpc });
    addNode(t.store, 'edge-1', 'True');
    addPod(t.store, 'web-1', { node: 'edge-1' });
    const abort = new AbortController();
    const res = await t.app.request('/api/v1/namespaces/default/pods/web-1/log?follow=true', { headers: { authorization: 'Bearer admin-token-0123456789' }, signal: abort.signal });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('first\n');
    abort.abort();
    await reader.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(node.requests.map((r) => r.op)).toEqual(['logs', 'cancel']);
  });

  it('needs a container name when the pod has several (kubectl\'s message) and checks it', async () => {
    const t = testApi({ rpc: fakeNode(() => []).rpc });
    addNode(t.store, 'edge-1', 'True');
    addPod(t.store, 'two', { node: 'edge-1', containers: ['app', 'sidecar'] });
    let res = await t.call('GET', '/api/v1/namespaces/default/pods/two/log');
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('a container name must be specified for pod two, choose one of: [app sidecar]');
    res = await t.call('GET', '/api/v1/namespaces/default/pods/two/log?container=nope');
    expect((await res.json()).message).toBe('container nope is not valid for pod two');
  });

  it('says since when a node is NotReady instead of waiting for it', async () => {
    const t = testApi({ rpc: fakeNode(() => 'silent').rpc });
    addNode(t.store, 'edge-3', 'Unknown', '2024-05-01T10:42:00Z');
    addPod(t.store, 'web-1', { node: 'edge-3' });
    const res = await t.call('GET', '/api/v1/namespaces/default/pods/web-1/log');
    expect(res.status).toBe(503);
    expect((await res.json()).message).toBe('node edge-3 is NotReady since 2024-05-01T10:42:00Z');
  });

  it('times out clearly when a Ready node does not answer', async () => {
    const t = testApi({ rpc: fakeNode(() => 'silent').rpc });
    addNode(t.store, 'edge-1', 'True');
    addPod(t.store, 'web-1', { node: 'edge-1' });
    const res = await t.call('GET', '/api/v1/namespaces/default/pods/web-1/log');
    expect(res.status).toBe(504);
    expect((await res.json()).message).toBe('node edge-1 did not answer within 0.2s');
  });

  it('answers kubectl\'s messages for a waiting container and a missing previous run', async () => {
    const t = testApi({ rpc: fakeNode(() => [{ type: 'end', seq: 0, error: { code: 'NotFound', message: 'no logs' } }]).rpc });
    addNode(t.store, 'edge-1', 'True');
    addPod(t.store, 'waiting', { node: 'edge-1', waiting: 'ContainerCreating' });
    addPod(t.store, 'fresh', { node: 'edge-1' });
    let res = await t.call('GET', '/api/v1/namespaces/default/pods/waiting/log');
    expect((await res.json()).message).toBe('container "web" in pod "waiting" is waiting to start: ContainerCreating');
    res = await t.call('GET', '/api/v1/namespaces/default/pods/fresh/log?previous=true');
    expect((await res.json()).message).toBe('previous terminated container "web" in pod "fresh" not found');
    res = await t.call('GET', '/api/v1/namespaces/default/pods/fresh/log');
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe('no logs');
  });

  it('an unscheduled pod and a missing pod are errors that say so', async () => {
    const t = testApi({ rpc: fakeNode(() => []).rpc });
    addPod(t.store, 'pending');
    expect((await (await t.call('GET', '/api/v1/namespaces/default/pods/pending/log')).json()).message).toBe('pod pending is not scheduled to a node yet (Running)');
    const res = await t.call('GET', '/api/v1/namespaces/default/pods/ghost/log');
    expect(res.status).toBe(404);
  });
});

describe('logOptions', () => {
  const q = (o: Record<string, string>) => (n: string) => o[n];
  it('parses kubectl\'s parameters and names a bad one', () => {
    expect(logOptions(q({ follow: 'true', previous: 'false', tailLines: '0' }), 1000)).toEqual({ follow: true, tailLines: 0 });
    expect(logOptions(q({ sinceTime: '1970-01-01T00:00:01Z' }), 5000)).toEqual({ sinceMs: 1000 });
    expect(() => logOptions(q({ tailLines: '-1' }), 0)).toThrow('tailLines: "-1" must be a whole number of at least 0');
    expect(() => logOptions(q({ follow: 'yes' }), 0)).toThrow('follow: "yes" is not a boolean');
    expect(() => logOptions(q({ timestamps: 'true' }), 0)).toThrow(/without per-line times/);
  });
});

describe('POST /kedge/v1/namespaces/{ns}/pods/{name}/exec', () => {
  it('runs the command on the pod\'s node and answers output and exit code', async () => {
    const node = fakeNode(() => [{ type: 'open', seq: 0 }, { type: 'data', seq: 1, stream: 'stdout', data: b64('hi\n') }, { type: 'data', seq: 2, stream: 'stderr', data: b64('warn\n') }, { type: 'end', seq: 3, exitCode: 7 }]);
    const t = testApi({ rpc: node.rpc });
    addNode(t.store, 'edge-1', 'True');
    addPod(t.store, 'web-1', { node: 'edge-1' });
    const res = await t.call('POST', '/kedge/v1/namespaces/default/pods/web-1/exec', { command: ['sh', '-c', 'echo hi; exit 7'], timeoutSeconds: 5 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stdout: 'hi\n', stderr: 'warn\n', exitCode: 7 });
    expect(node.requests[0]).toMatchObject({ op: 'exec', container: 'web', command: ['sh', '-c', 'echo hi; exit 7'], timeoutMs: 5000 });
  });

  it('validates the body, naming the field', async () => {
    const t = testApi({ rpc: fakeNode(() => []).rpc });
    const res = await t.call('POST', '/kedge/v1/namespaces/default/pods/web-1/exec', { command: [] });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toMatch(/command/);
  });

  it('a plain request to pods/exec gets a Status saying what to use', async () => {
    const t = testApi();
    const res = await t.call('POST', '/api/v1/namespaces/default/pods/web-1/exec?command=ls&stdout=true');
    expect(res.status).toBe(404);
    expect((await res.json()).message).toMatch(/kedge does not serve pods\/exec without a WebSocket upgrade.*kedge exec POD/);
  });
});
