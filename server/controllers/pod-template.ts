import type { OwnerReference } from '../../shared/meta.js';
import type { Pod, PodTemplate } from '../../shared/pod.js';
import { randomSuffix } from './template-hash.js';

export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export function controllerRef(o: Owner): OwnerReference {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.name, uid: o.uid, controller: true, blockOwnerDeletion: true };
}

/** A new pod from a workload's template, named `<owner>-<5 random>` as Kubernetes' generateName does. */
export function podFromTemplate(owner: Owner, namespace: string, template: PodTemplate, random: () => number, o: { labels?: Record<string, string>; nodeName?: string } = {}): Pod {
  const annotations = template.metadata?.annotations;
  const spec = structuredClone(template.spec);
  if (o.nodeName) spec.nodeName = o.nodeName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${owner.name}-${randomSuffix(random)}`,
      namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...(o.labels ?? {}) },
      ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec,
    status: { phase: 'Pending' },
  };
}

