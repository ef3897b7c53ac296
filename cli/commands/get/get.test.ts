import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindByName } from '../../../shared/kinds.js';
import type { KObject } from '../../../shared/meta.js';
import { parseArgs } from '../../flags/args.js';
import { getCommand, getRequestFromArgs, parseOutput, runGet, type GetRequest } from './get.js';
import { memoryClient } from '../../connection/testing/memory-client.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const pod = (name: string, namespace: string, labels: Record<string, string> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels, creationTimestamp: '2024-05-01T11:59:00Z' },
  spec: { containers: [{ name: 'c', image: 'busybox:test' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'c', image: 'busybox:test', ready: true, restartCount: 0, state: { running: {} } }] },
});

function setup() {
  const client = memoryClient({ clock: () => now });
  client.put(pod('web-2', 'default', { app: 'web' }));
  client.put(pod('web-1', 'default', { app: 'web' }));
  client.put(pod('db-1', 'default', { app: 'db' }));
  client.put(pod('sensor-1', 'edge', { app: 'sensor' }));
  const out: string[] = [];
  const err: string[] = [];
  return { client, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}
const req = (over: Partial<GetRequest>): GetRequest => ({ info: kindByName('Pod')!, names: [], namespace: 'default', output: 'table', ...over });
const args = (argv: string[]) => parseArgs(argv, getCommand.flags, { command: 'kedge get' });

describe('runGet', () => {
  it('lists one namespace as a sorted table', async () => {
    const s = setup();
    expect(await runGet(s.client, req({}), s.io)).toBe(0);
    expect(s.out.join('')).toBe(
      'NAME    READY   STATUS    RESTARTS   AGE\n' + 'db-1    1/1     Running   0          60s\n' + 'web-1   1/1     Running   0          60s\n' + 'web-2   1/1     Running   0          60s\n',
    );
  });

  it('filters by label and adds NAMESPACE for all namespaces', async () => {
    const s = setup();
    await runGet(s.client, req({ namespace: undefined, labelSelector: 'app in (web,sensor),app!=web' }), s.io);
    expect(s.out.join('')).toBe('NAMESPACE   NAME       READY   STATUS    RESTARTS   AGE\nedge        sensor-1   1/1     Running   0          60s\n');
  });

  it('says so on stderr when nothing matches', async () => {
    const s = setup();
    await runGet(s.client, req({ namespace: 'empty' }), s.io);
    expect(s.out).toEqual([]);
    expect(s.err.join('')).toBe('No resources found in empty namespace.\n');
    const t = setup();
    await runGet(t.client, req({ info: kindByName('Node')!, namespace: undefined }), t.io);
    expect(t.err.join('')).toBe('No resources found\n');
  });

  it('prints one object as yaml or json with apiVersion and kind, several as a List', async () => {
    const s = setup();
    await runGet(s.client, req({ names: ['web-1'], output: 'yaml' }), s.io);
    expect(parse(s.out.join(''))).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' } });
    const t = setup();
    await runGet(t.client, req({ output: 'json', labelSelector: 'app=web' }), t.io);
    const list = JSON.parse(t.out.join(''));
    expect(list.kind).toBe('List');
    expect(list.items.map((i: KObject) => `${i.kind}/${i.metadata.name}`)).toEqual(['Pod/web-1', 'Pod/web-2']);
  });

  it('prints names as kind/name', async () => {
    const s = setup();
    await runGet(s.client, req({ output: 'name', labelSelector: 'app=db' }), s.io);
    expect(s.out.join('')).toBe('pod/db-1\n');
  });

  it('reports a missing name like kubectl and exits 1, still printing the others', async () => {
    const s = setup();
    expect(await runGet(s.client, req({ names: ['web-1', 'ghost'] }), s.io)).toBe(1);
    expect(s.err.join('')).toBe('Error from server (NotFound): pods "ghost" not found\n');
    expect(s.out.join('')).toContain('web-1');
  });
});

describe('getRequestFromArgs', () => {
  it('resolves kind forms, namespaces and output', () => {
    expect(getRequestFromArgs(args(['po']), undefined)).toMatchObject({ names: [], namespace: 'default', output: 'table' });
    expect(getRequestFromArgs(args(['deploy', 'hello', '-n', 'edge', '-o', 'yaml']), undefined)).toMatchObject({ names: ['hello'], namespace: 'edge', output: 'yaml' });
    expect(getRequestFromArgs(args(['deployments.apps/hello']), 'ctx-ns')).toMatchObject({ names: ['hello'], namespace: 'ctx-ns' });
    expect(getRequestFromArgs(args(['pods', '-A']), undefined).namespace).toBeUndefined();
    expect(getRequestFromArgs(args(['no', '-n', 'x']), undefined)).toMatchObject({ namespace: undefined });
    expect(getRequestFromArgs(args(['nodes', '-owide']), undefined).info.kind).toBe('Node');
  });

  it('explains bad input', () => {
    expect(() => getRequestFromArgs(args([]), undefined)).toThrow('get needs a resource type');
    expect(() => getRequestFromArgs(args(['jobs']), undefined)).toThrow('unknown resource type "jobs"; kedge serves namespaces (ns), nodes (no), pods (po), deployments (deploy)');
    expect(() => getRequestFromArgs(args(['pods', '-o', 'table']), undefined)).toThrow('-o/--output: unknown format "table"');
    expect(() => getRequestFromArgs(args(['pods', '-l', 'app in (a']), undefined)).toThrow(/-l\/--selector/);
    expect(() => getRequestFromArgs(args(['pods', 'x', '-l', 'a=b']), undefined)).toThrow('not both');
  });
});

describe('parseOutput', () => {
  it('accepts the kubectl formats kedge prints', () => {
    expect(parseOutput(undefined)).toBe('table');
    expect(parseOutput('wide')).toBe('wide');
    expect(parseOutput('name')).toBe('name');
  });
});
