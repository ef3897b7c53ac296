/** Pods the bench creates, and waiting for them through the API. */
import type { Pod } from '../../shared/pod.js';
import type { LoadClient } from './http.js';
import { isNodeReady, type Node } from '../../shared/node.js';

export const benchLabel = 'kedge.io/bench';

export function sleeperPod(name: string, o: { nodeName?: string; labels?: Record<string, string>; image?: string; namespace?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', labels: { [benchLabel]: 'true', ...(o.labels ?? {}) } },
    spec: {
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'c', image: o.image ?? 'busybox:test', command: ['sleep', '1000000'], resources: { requests: { cpu: '10m', memory: '8Mi' } } }],
    },
  };
}

export async function createPod(client: LoadClient, pod: Pod): Promise<Pod> {
  return client.json<Pod>('POST', `/api/v1/namespaces/${pod.metadata.namespace ?? 'default'}/pods`, pod);
}

export async function listPods(client: LoadClient, selector: string, namespace = 'default'): Promise<Pod[]> {
  const r = await client.json<{ items: Pod[] }>('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return r.items;
}

export const isRunning = (p: Pod) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.state.running);

export async function nodeReady(client: LoadClient, name: string): Promise<boolean> {
  const r = await client.request('GET', `/api/v1/nodes/${name}`);
  if (r.status !== 200) return false;
  return isNodeReady(JSON.parse(r.text) as Node);
}
