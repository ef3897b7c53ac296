import { describe, expect, it } from 'vitest';
import { testPod } from '../reconciler/pod-fixtures.js';
import type { PodStatusEntry } from '../session/session.js';
import { localPods } from './local-pods.js';

const ready = [{ type: 'Ready', status: 'True' as const }];
const status = (name: string, s: PodStatusEntry['status']): PodStatusEntry => ({ namespace: 'default', name, uid: `uid-${name}`, status: s });

describe('localPods', () => {
  it("lists the node's pod-network pods with the IP and readiness the agent knows now, and their host ports", () => {
    const pods = [
      testPod('web', { containers: [{ ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 5353, protocol: 'UDP' }, { containerPort: 9000 }] }] }),
      testPod('db'),
      testPod('starting'),
      testPod('node-exporter', { spec: { hostNetwork: true } }),
      testPod('crashed'),
    ];
    const statuses = [
      status('web', { phase: 'Running', podIP: '10.42.1.5', conditions: ready }),
      status('db', { phase: 'Running', podIP: '10.42.1.6', conditions: [{ type: 'Ready', status: 'False' as const }] }),
      status('starting', { phase: 'Pending' }),
      status('node-exporter', { phase: 'Running', podIP: '192.0.2.11', conditions: ready }),
      status('crashed', { phase: 'Failed', podIP: '10.42.1.8', conditions: ready }),
      status('gone', { phase: 'Running', podIP: '10.42.1.9', conditions: ready }),
    ];
    expect(localPods(pods, statuses)).toEqual([
      {
        uid: 'uid-web',
        namespace: 'default',
        name: 'web',
        ip: '10.42.1.5',
        ready: true,
        hostPorts: [
          { hostPort: 8080, containerPort: 80, protocol: 'TCP' },
          { hostPort: 5353, containerPort: 53, protocol: 'UDP' },
        ],
      },
      { uid: 'uid-db', namespace: 'default', name: 'db', ip: '10.42.1.6', ready: false, hostPorts: [] },
      { uid: 'uid-crashed', namespace: 'default', name: 'crashed', ip: '10.42.1.8', ready: false, hostPorts: [] },
    ]);
  });
});
