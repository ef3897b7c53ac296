import { describe, expect, it } from 'vitest';
import type { Node } from '../../../shared/node.js';
import { runTopNodes, topRow } from './top.js';

const node = (name: string, o: { ready?: boolean; load?: string; available?: string; cpu?: string; memory?: string } = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    annotations: { ...(o.load !== undefined ? { 'kedge.io/load1': o.load } : {}), ...(o.available !== undefined ? { 'kedge.io/memory-available': o.available } : {}) },
  },
  status: {
    capacity: { cpu: o.cpu ?? '4', memory: o.memory ?? '4194304Ki' },
    conditions: [{ type: 'Ready', status: o.ready === false ? 'Unknown' : 'True' }],
  },
});

describe('top nodes', () => {
  it('turns load over cores into CPU and total minus available into memory', () => {
    // 4 GiB total, 1 GiB available: 3072Mi used, 75%.
    expect(topRow(node('pi', { load: '1.5', available: String(1024 ** 3) }))).toEqual(['pi', '1500m', '38%', '3072Mi', '75%']);
  });

  it('shows <unknown> for a NotReady node or one that has not reported', () => {
    expect(topRow(node('gone', { ready: false, load: '1', available: '1' }))).toEqual(['gone', '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
    expect(topRow(node('new'))).toEqual(['new', '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
  });

  it('prints kubectl top\'s columns, sorted by name', async () => {
    const out: string[] = [];
    const client = { list: async () => ({ apiVersion: 'v1', kind: 'NodeList', metadata: {}, items: [node('b', { load: '0.2', available: String(2 * 1024 ** 3) }), node('a', { load: '4', available: '0' })] }) };
    await runTopNodes(client as never, { out: (t) => void out.push(t), err: () => undefined });
    expect(out.join('')).toBe(
      'NAME   CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%\n' + 'a      4000m        100%   4096Mi          100%\n' + 'b      200m         5%     2048Mi          50%\n',
    );
  });
});
