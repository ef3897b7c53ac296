import net, { type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { describe, expect, it } from 'vitest';
import { nodeEventsSchema, type NodeEvents } from '../../shared/messages.js';
import { topics } from '../../shared/topics.js';
import { createSession } from './session.js';

const batch: NodeEvents = {
  node: 'edge-1',
  events: [{ pod: { namespace: 'default', name: 'web', uid: 'u1' }, fieldPath: 'spec.containers{web}', reason: 'Started', message: 'Started container web', type: 'Normal', time: new Date(0).toISOString(), count: 1 }],
};

describe('MQTT session: pod events', () => {
  it('refuses to send while offline (the caller keeps them) and sends QoS 1 on the events topic once connected', async () => {
    const broker = await Aedes.createBroker();
    const seen: { topic: string; payload: string; qos: number }[] = [];
    broker.on('publish', (p) => {
      if (p.topic === topics.events('edge-1')) seen.push({ topic: p.topic, payload: p.payload.toString(), qos: p.qos });
    });
    const server = net.createServer(broker.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const connected: boolean[] = [];
    const s = createSession({
      nodeName: 'edge-1',
      credentials: { url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, username: 'edge-1', password: 'pw' },
      report: async () => {
        throw new Error('no report in this test');
      },
      podStatuses: () => [],
      onDesired: () => undefined,
      onConnectionChange: (c) => connected.push(c),
    });
    try {
      expect(s.publishEvents(batch)).toBe(false);
      for (let i = 0; i < 500 && !connected.includes(true); i++) await new Promise((r) => setTimeout(r, 10));
      expect(s.publishEvents(batch)).toBe(true);
      for (let i = 0; i < 500 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toHaveLength(1);
      expect(seen[0]!.qos).toBe(1);
      expect(nodeEventsSchema.parse(JSON.parse(seen[0]!.payload))).toEqual(batch);
    } finally {
      await s.close();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    }
  });
});
