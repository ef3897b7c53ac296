import { describe, expect, it } from 'vitest';
import type { KObject } from '../../../shared/meta.js';
import { parseArgs } from '../../flags/args.js';
import { deleteCommand, deleteTargets, runDelete } from './delete.js';
import { memoryClient } from '../../connection/testing/memory-client.js';

const args = (argv: string[]) => parseArgs(argv, deleteCommand.flags, { command: 'kedge delete' });
const deploy = (name: string, namespace = 'default'): KObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: {} });

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('runDelete', () => {
  it('deletes and prints kubectl lines; a missing one is reported and exits 1', async () => {
    const client = memoryClient();
    client.put(deploy('hello'));
    const c = capture();
    const code = await runDelete(client, deleteTargets(args(['deploy', 'hello', 'ghost']), [], undefined), { ignoreNotFound: false }, c.io);
    expect(code).toBe(1);
    expect(c.out.join('')).toBe('deployment.apps "hello" deleted\n');
    expect(c.err.join('')).toBe('Error from server (NotFound): deployments.apps "ghost" not found\n');
    expect(client.objects.size).toBe(0);
  });

  it('ignores missing objects when asked', async () => {
    const c = capture();
    expect(await runDelete(memoryClient(), deleteTargets(args(['pod/x']), [], undefined), { ignoreNotFound: true }, c.io)).toBe(0);
    expect(c.err).toEqual([]);
  });
});

describe('deleteTargets', () => {
  it('reads kinds and names, KIND/NAME, and manifests with their namespaces', () => {
    expect(deleteTargets(args(['po', 'a', 'b', '-n', 'edge']), [], undefined).map((t) => `${t.info.kind}:${t.namespace}/${t.name}`)).toEqual(['Pod:edge/a', 'Pod:edge/b']);
    const [node] = deleteTargets(args(['node/pi-2']), [], 'ctx');
    expect(node).toMatchObject({ name: 'pi-2' });
    expect(node).not.toHaveProperty('namespace');
    const src = [{ name: 'h.yaml', text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: hello}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: edge}\n' }];
    expect(deleteTargets(args(['-f', 'h.yaml']), src, 'ctx').map((t) => `${t.info.kind}:${t.namespace ?? ''}/${t.name}`)).toEqual(['Deployment:ctx/hello', 'Namespace:/edge']);
  });

  it('explains what is missing', () => {
    expect(() => deleteTargets(args([]), [], undefined)).toThrow('delete needs -f FILE or KIND NAME');
    expect(() => deleteTargets(args(['deploy']), [], undefined)).toThrow('delete: name the deployments to delete');
    expect(() => deleteTargets(args(['bogus', 'x']), [], undefined)).toThrow('unknown resource type "bogus"');
    expect(() => deleteTargets(args(['pod/']), [], undefined)).toThrow('"pod/" is not KIND/NAME');
  });
});
