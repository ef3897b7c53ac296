import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../shared/deployment.js';
import type { Node } from '../../../shared/node.js';
import { parseArgs } from '../../flags/args.js';
import { labelCommand, labelRequestFromArgs, runLabel } from './label.js';
import { memoryClient } from '../../connection/testing/memory-client.js';
import { memoryObjectClient } from '../../connection/testing/memory-object-client.js';

const args = (argv: string[]) => parseArgs(argv, labelCommand.flags, { command: 'kedge label' });

function setup() {
  const mc = memoryClient();
  mc.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'edge-1', labels: { 'kubernetes.io/arch': 'arm64', role: 'camera' } } } as Node);
  mc.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } } as Deployment);
  const out: string[] = [];
  const err: string[] = [];
  return { mc, client: memoryObjectClient(mc), io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) }, out, err };
}

describe('kedge label', () => {
  it('sets and removes node labels with one merge patch', async () => {
    const s = setup();
    expect(await runLabel(s.client, labelRequestFromArgs(args(['node', 'edge-1', 'zone=garage', 'role-']), undefined), s.io)).toBe(0);
    expect(s.out.join('')).toBe('node/edge-1 labeled\n');
    expect(s.client.patches).toEqual(['Node edge-1 {"metadata":{"labels":{"zone":"garage","role":null}}}']);
    expect((await s.mc.get<Node>('Node', undefined, 'edge-1')).metadata.labels).toEqual({ 'kubernetes.io/arch': 'arm64', zone: 'garage' });
  });

  it('refuses to change a value without --overwrite, as kubectl does', async () => {
    const s = setup();
    expect(await runLabel(s.client, labelRequestFromArgs(args(['node/edge-1', 'role=gateway']), undefined), s.io)).toBe(1);
    expect(s.err.join('')).toBe("error: 'role' already has a value (camera), and --overwrite is false\n");
    expect(await runLabel(s.client, labelRequestFromArgs(args(['node/edge-1', 'role=gateway', '--overwrite']), undefined), s.io)).toBe(0);
    expect((await s.mc.get<Node>('Node', undefined, 'edge-1')).metadata.labels?.role).toBe('gateway');
  });

  it('says unlabeled / not labeled, and works on namespaced kinds', async () => {
    const s = setup();
    await runLabel(s.client, labelRequestFromArgs(args(['node', 'edge-1', 'role-']), undefined), s.io);
    await runLabel(s.client, labelRequestFromArgs(args(['node', 'edge-1', 'role-']), undefined), s.io);
    await runLabel(s.client, labelRequestFromArgs(args(['deploy', 'web', 'tier=front', '-n', 'shop']), undefined), s.io);
    expect(s.out.join('')).toBe('node/edge-1 unlabeled\nnode/edge-1 not labeled\ndeployment.apps/web labeled\n');
    expect(s.err.join('')).toBe('label "role" not found.\n');
    expect((await s.mc.get<Deployment>('Deployment', 'shop', 'web')).metadata.labels).toEqual({ tier: 'front' });
  });

  it('checks the arguments before talking to the server', () => {
    expect(() => labelRequestFromArgs(args(['node', 'edge-1']), undefined)).toThrow('label: give at least one key=value');
    expect(() => labelRequestFromArgs(args(['edge-1=x']), undefined)).toThrow('label needs a resource and labels');
    expect(() => labelRequestFromArgs(args(['node', 'edge-1', 'a=b', 'a-']), undefined)).toThrow('can not both modify and remove the label "a"');
    expect(() => labelRequestFromArgs(args(['node', 'edge-1', 'bad key=x']), undefined)).toThrow('label "bad key": label keys must be');
    expect(() => labelRequestFromArgs(args(['node', 'edge-1', 'k=not ok']), undefined)).toThrow('label "k":');
  });
});
