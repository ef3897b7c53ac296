import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredStateSchema, type DesiredState } from '../../shared/messages.js';
import { payloads } from '../../test/fixtures/fuzz.js';
import { testPod } from '../reconciler/testing/pod-fixtures.js';
import { parseDesiredMessage } from './desired-message.js';

const good: DesiredState = {
  node: 'edge-1',
  revision: 7,
  pods: [testPod('web', { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 1'], env: [{ name: 'A', value: 'b' }] }] })],
  configMaps: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: 'b' } }],
};

describe('desired-state handler under fuzzing', () => {
  it('accepts the valid message', () => {
    expect(parseDesiredMessage('edge-1', Buffer.from(JSON.stringify(good)), () => undefined)).toEqual(desiredStateSchema.parse(good));
  });

  it('never throws; hands on only valid states addressed to this node, and says why it dropped the rest', () => {
    fc.assert(
      fc.property(payloads(good), (payload) => {
        const logs: string[] = [];
        const got = parseDesiredMessage('edge-1', payload, (m) => logs.push(m));
        if (got === null) {
          expect(logs).toHaveLength(1);
          expect(logs[0]).toMatch(/desired state/);
        } else {
          expect(desiredStateSchema.safeParse(got).success).toBe(true);
          expect(got.node).toBe('edge-1');
          expect(logs).toEqual([]);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('drops a state meant for another node', () => {
    const logs: string[] = [];
    expect(parseDesiredMessage('edge-1', Buffer.from(JSON.stringify({ ...good, node: 'edge-2' })), (m) => logs.push(m))).toBeNull();
    expect(logs).toEqual(['desired state dropped: it is for node edge-2, this is edge-1']);
  });
});
