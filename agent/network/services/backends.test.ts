import { describe, expect, it } from 'vitest';
import { backendsOf, type NodeView } from './backends.js';
import { testEndpoint as ep, testPod as pod, testService as svc } from './testing/inputs.js';

const view = (...pods: ReturnType<typeof pod>[]): NodeView => ({ nodeName: 'n1', localPods: new Map(pods.map((p) => [p.uid, p])) });

describe('backendsOf', () => {
  const cases: { what: string; endpoint: ReturnType<typeof ep>; pods: ReturnType<typeof pod>[]; publishNotReady?: boolean; used: boolean }[] = [
    { what: 'remote and ready', endpoint: ep('10.42.2.7'), pods: [], used: true },
    { what: 'remote and not ready', endpoint: ep('10.42.2.7', { ready: false }), pods: [], used: false },
    { what: 'remote, not ready, publishNotReadyAddresses', endpoint: ep('10.42.2.7', { ready: false }), pods: [], publishNotReady: true, used: true },
    { what: 'local, ready on both sides', endpoint: ep('10.42.1.5'), pods: [pod('10.42.1.5')], used: true },
    { what: 'local, the server says ready, the node knows better', endpoint: ep('10.42.1.5'), pods: [pod('10.42.1.5', { ready: false })], used: false },
    { what: 'local, ready before the server heard', endpoint: ep('10.42.1.5', { ready: false }), pods: [pod('10.42.1.5')], used: true },
    { what: 'local pod gone', endpoint: ep('10.42.1.5'), pods: [], used: false },
    { what: 'local pod gone, publishNotReadyAddresses', endpoint: ep('10.42.1.5'), pods: [], publishNotReady: true, used: false },
    { what: 'local, not ready, publishNotReadyAddresses', endpoint: ep('10.42.1.5'), pods: [pod('10.42.1.5', { ready: false })], publishNotReady: true, used: true },
    { what: 'on this node without a pod (hostNetwork, manual)', endpoint: ep('192.0.2.10', { nodeName: 'n1' }), pods: [], used: true },
  ];
  for (const c of cases) {
    it(`${c.what}: ${c.used ? 'used' : 'left out'}`, () => {
      const s = svc('web', '10.43.0.20', { endpoints: [c.endpoint], ...(c.publishNotReady ? { publishNotReadyAddresses: true } : {}) });
      expect(backendsOf(s, '', view(...c.pods), []).map((b) => b.ip)).toEqual(c.used ? [c.endpoint.ip] : []);
    });
  }

  it('takes the target port of the Service port by name, skips endpoints without it, and orders by address', () => {
    const s = svc('web', '10.43.0.20', {
      endpoints: [
        ep('10.42.2.10', { ports: { http: 8080, metrics: 9090 } }),
        ep('10.42.2.9', { ports: { http: 8081 } }),
        ep('10.42.1.5', { ports: { metrics: 9090 } }),
        ep('10.42.2.9', { ports: { http: 8081 } }),
      ],
    });
    const problems: string[] = [];
    expect(backendsOf(s, 'http', view(pod('10.42.1.5')), problems)).toEqual([
      { ip: '10.42.2.9', port: 8081, local: false },
      { ip: '10.42.2.10', port: 8080, local: false },
    ]);
    expect(backendsOf(s, 'metrics', view(pod('10.42.1.5')), problems)).toEqual([
      { ip: '10.42.1.5', port: 9090, local: true },
      { ip: '10.42.2.10', port: 9090, local: false },
    ]);
    expect(problems).toEqual([]);
  });

  it('leaves out (and reports) an address that is not IPv4', () => {
    const problems: string[] = [];
    const s = svc('web', '10.43.0.20', { endpoints: [ep('fd00::1'), ep('10.42.2.7; drop')] });
    expect(backendsOf(s, '', view(), problems)).toEqual([]);
    expect(problems).toEqual([
      'service default/web: endpoint ip "fd00::1" is not an IPv4 address; left out',
      'service default/web: endpoint ip "10.42.2.7; drop" is not an IPv4 address; left out',
    ]);
  });
});
