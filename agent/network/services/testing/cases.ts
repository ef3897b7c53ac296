/** Inputs of the golden scripts in testdata/, one per feature, each read best beside its .nft file. */
import type { ServiceRulesInput } from '../../types.js';
import { testEndpoint as ep, testInput, testNode, testPod as pod, testService as svc } from './inputs.js';

export const goldenCases: { name: string; input: ServiceRulesInput }[] = [
  { name: 'frame', input: testInput([]) },
  {
    name: 'cluster-ip',
    input: testInput(
      [
        svc('web', '10.43.0.20', {
          endpoints: [
            ep('10.42.1.5'),
            ep('10.42.2.7'),
            ep('10.42.2.8', { ready: false }),
            // The server still says ready, but this node knows its pod is not.
            ep('10.42.1.6'),
            // Gone from this node already.
            ep('10.42.1.9'),
          ],
        }),
        svc('one', '10.43.0.21', { endpoints: [ep('10.42.2.9')] }),
        svc('nothing', '10.43.0.22', { endpoints: [ep('10.42.2.10', { ready: false })] }),
        svc('headless', 'None', { endpoints: [ep('10.42.2.11')] }),
        svc('elsewhere', undefined as unknown as string, { type: 'ExternalName', externalName: 'example.org' }),
        svc('dns', '10.43.0.30', {
          namespace: 'kube-system',
          ports: [
            { name: 'dns', protocol: 'UDP', port: 53 },
            { name: 'dns-tcp', protocol: 'TCP', port: 53 },
            { name: 'metrics', protocol: 'TCP', port: 9153 },
          ],
          endpoints: [ep('10.42.1.7', { ports: { dns: 5353, 'dns-tcp': 5353 } }), ep('10.42.2.12', { ports: { dns: 5353, 'dns-tcp': 5353, metrics: 9153 } })],
        }),
      ],
      [pod('10.42.1.5'), pod('10.42.1.6', { ready: false }), pod('10.42.1.7')],
    ),
  },
  {
    name: 'external',
    input: testInput(
      [
        svc('nodeport', '10.43.0.40', { type: 'NodePort', ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30080 }], endpoints: [ep('10.42.1.5'), ep('10.42.2.7')] }),
        svc('nodeport-empty', '10.43.0.41', { type: 'NodePort', ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30081 }] }),
        svc('lb-local', '10.43.0.42', {
          type: 'LoadBalancer',
          loadBalancer: true,
          externalTrafficLocal: true,
          ports: [{ name: '', protocol: 'TCP', port: 8443, nodePort: 30443 }],
          endpoints: [ep('10.42.1.5'), ep('10.42.2.7')],
        }),
        svc('lb-remote-only', '10.43.0.43', {
          type: 'LoadBalancer',
          loadBalancer: true,
          externalTrafficLocal: true,
          ports: [{ name: '', protocol: 'UDP', port: 9000, nodePort: 30900 }],
          endpoints: [ep('10.42.2.7')],
        }),
        svc('external-ip', '10.43.0.44', { externalIPs: ['198.51.100.7'], endpoints: [ep('10.42.2.7')] }),
        svc('internal-local', '10.43.0.45', { internalTrafficLocal: true, endpoints: [ep('10.42.1.5'), ep('10.42.2.7')] }),
        svc('internal-local-none', '10.43.0.46', { internalTrafficLocal: true, endpoints: [ep('10.42.2.7')] }),
      ],
      [pod('10.42.1.5')],
      { node: testNode({ nodeIPs: ['192.0.2.10', '198.51.100.10', '2001:db8::10'] }) },
    ),
  },
  {
    name: 'affinity',
    input: testInput([svc('sticky', '10.43.0.50', { affinityTimeoutSeconds: 10800, endpoints: [ep('10.42.1.5'), ep('10.42.2.7')] })], [pod('10.42.1.5')]),
  },
  {
    name: 'host-ports',
    input: testInput(
      [],
      [
        pod('10.42.1.5', { hostPorts: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }, { hostPort: 5353, containerPort: 53, protocol: 'UDP' }] }),
        pod('10.42.1.6', { hostPorts: [{ hostPort: 9090, containerPort: 9090, protocol: 'TCP', hostIP: '198.51.100.10' }] }),
        pod('10.42.1.7', { ready: false }),
      ],
      { node: testNode({ nodeIPs: ['192.0.2.10', '198.51.100.10'] }) },
    ),
  },
];
