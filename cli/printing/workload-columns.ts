import type { DaemonSet } from '../../shared/daemonset.js';
import type { LabelSelectorSpec } from '../../shared/deployment.js';
import type { KObject } from '../../shared/meta.js';
import type { PodTemplate } from '../../shared/pod.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { formatAge } from '../../shared/age.js';
import { formatLabelSelector } from '../../shared/selector.js';

const none = '<none>';

function selectorText(s: LabelSelectorSpec): string {
  return formatLabelSelector(s) || none;
}

function wideTail(t: PodTemplate, s: LabelSelectorSpec): string[] {
  return [t.spec.containers.map((c) => c.name).join(','), t.spec.containers.map((c) => c.image).join(','), selectorText(s)];
}

/** kubectl's ReplicaSet table: NAME DESIRED CURRENT READY AGE. */
export function replicaSetColumns(wide: boolean) {
  return {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])],
    row(o: KObject, now: number): string[] {
      const rs = o as ReplicaSet;
      const base = [rs.metadata.name ?? '', String(rs.spec.replicas ?? 1), String(rs.status?.replicas ?? 0), String(rs.status?.readyReplicas ?? 0), formatAge(rs.metadata.creationTimestamp, now)];
      return wide ? [...base, ...wideTail(rs.spec.template, rs.spec.selector)] : base;
    },
  };
}

/** kubectl's DaemonSet table: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE. */
export function daemonSetColumns(wide: boolean) {
  return {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])],
    row(o: KObject, now: number): string[] {
      const ds = o as DaemonSet;
      const s = ds.status;
      const nodeSelector = Object.entries(ds.spec.template.spec.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || none;
      const base = [
        ds.metadata.name ?? '',
        String(s?.desiredNumberScheduled ?? 0),
        String(s?.currentNumberScheduled ?? 0),
        String(s?.numberReady ?? 0),
        String(s?.updatedNumberScheduled ?? 0),
        String(s?.numberAvailable ?? 0),
        nodeSelector,
        formatAge(ds.metadata.creationTimestamp, now),
      ];
      return wide ? [...base, ...wideTail(ds.spec.template, ds.spec.selector)] : base;
    },
  };
}
