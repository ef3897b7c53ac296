/** Pairs of inputs (before → after) whose incremental updates are kept as golden scripts in testdata/update-*.nft. */
import type { ServiceRulesInput } from '../../types.js';
import { testEndpoint as ep, testInput, testPod as pod, testService as svc } from './inputs.js';

const web = (endpoints = [ep('10.42.1.5'), ep('10.42.2.7')]) => svc('web', '10.43.0.20', { endpoints });
const sticky = svc('sticky', '10.43.0.50', { affinityTimeoutSeconds: 10800, endpoints: [ep('10.42.1.5'), ep('10.42.2.7')] });
const nodePort = svc('nodeport', '10.43.0.40', { type: 'NodePort', ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30080 }], endpoints: [ep('10.42.2.7')] });

export const updateCases: { name: string; before: ServiceRulesInput; after: ServiceRulesInput; emptied: string[] }[] = [
  {
    name: 'local-pod-unready',
    before: testInput([web()], [pod('10.42.1.5')]),
    after: testInput([web()], [pod('10.42.1.5', { ready: false })]),
    emptied: [],
  },
  {
    name: 'services-added',
    before: testInput([]),
    after: testInput([web(), nodePort], [pod('10.42.1.5')]),
    emptied: [],
  },
  {
    name: 'last-endpoint-gone',
    before: testInput([web([ep('10.42.2.7')])]),
    after: testInput([web([])]),
    emptied: ['svc-default/web/tcp/80'],
  },
  {
    name: 'affinity-service-removed',
    before: testInput([web(), sticky], [pod('10.42.1.5')]),
    after: testInput([web()], [pod('10.42.1.5')]),
    emptied: [
      'ep-default/sticky/tcp/80/10.42.1.5/8080',
      'ep-default/sticky/tcp/80/10.42.2.7/8080',
      'svc-default/sticky/tcp/80',
    ],
  },
];
