import { describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/node.js';
import { parseArgs } from '../../flags/args.js';
import { cordonCommand, nodeTarget, resolveNodes, setUnschedulable } from './cordon.js';
import { memoryClient } from '../../connection/testing/memory-client.js';
import { memoryObjectClient } from '../../connection/testing/memory-object-client.js';

const node = (name: string, labels: Record<string, string> = {}): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels } });

function setup() {
  const mc = memoryClient();
  mc.put(node('edge-1', { role: 'edge' }));
  mc.put(node('edge-2', { role: 'edge' }));
  mc.put(node('server-0'));
  const out: string[] = [];
  return { mc, client: memoryObjectClient(mc), io: { out: (t: string) => void out.push(t) }, out };
}

describe('cordon / uncordon', () => {
  it('patches spec.unschedulable and says so, like kubectl', async () => {
    const { mc, client, io, out } = setup();
    expect(await setUnschedulable(client, 'edge-1', true, io)).toBe(true);
    expect((await mc.get<Node>('Node', undefined, 'edge-1')).spec?.unschedulable).toBe(true);
    expect(await setUnschedulable(client, 'edge-1', true, io)).toBe(false);
    expect(await setUnschedulable(client, 'edge-1', false, io)).toBe(true);
    expect((await mc.get<Node>('Node', undefined, 'edge-1')).spec?.unschedulable).toBeUndefined();
    expect(out.join('')).toBe('node/edge-1 cordoned\nnode/edge-1 already cordoned\nnode/edge-1 uncordoned\n');
    expect(client.patches).toEqual(['Node edge-1 {"spec":{"unschedulable":true}}', 'Node edge-1 {"spec":{"unschedulable":null}}']);
  });

  it('takes names (node/NAME too) or a selector, not both', async () => {
    const { client } = setup();
    const args = (argv: string[]) => parseArgs(argv, cordonCommand.flags, { command: 'kedge cordon' });
    expect(await resolveNodes(client, nodeTarget(args(['edge-1', 'node/edge-2']), 'cordon'), 'cordon')).toEqual(['edge-1', 'edge-2']);
    expect(await resolveNodes(client, nodeTarget(args(['-l', 'role=edge']), 'cordon'), 'cordon')).toEqual(['edge-1', 'edge-2']);
    await expect(resolveNodes(client, nodeTarget(args(['-l', 'role=none']), 'cordon'), 'cordon')).rejects.toThrow('cordon: no nodes match -l role=none');
    expect(() => nodeTarget(args([]), 'cordon')).toThrow('cordon needs a node name');
    expect(() => nodeTarget(args(['a', '-l', 'x=y']), 'cordon')).toThrow('give node names or -l/--selector, not both');
  });
});
