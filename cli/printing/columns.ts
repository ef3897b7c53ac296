import type { Deployment } from '../../shared/deployment.js';
import type { KObject } from '../../shared/meta.js';
import type { Namespace } from '../../shared/namespace.js';
import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { memoryBytes } from '../../shared/quantity.js';
import { formatAge } from '../../shared/age.js';
import { eventColumns } from './event-columns.js';
import { renderTable } from './table.js';
import { daemonSetColumns, replicaSetColumns } from './workload-columns.js';
import { formatLabelSelector } from '../../shared/selector.js';

/** Headers and a row function for one kind's table. */
interface Columns {
  headers: string[];
  row(o: KObject, now: number): string[];
  /** Row order when not by name (events: by time). */
  sort?(a: KObject, b: KObject): number;
}

const none = '<none>';

/** Memory for people: 7.8Gi, 512Mi, 15Gi. */
export function humanMemory(q: string | undefined): string {
  if (!q) return none;
  let bytes: number;
  try {
    bytes = memoryBytes(q);
  } catch {
    return q;
  }
  const units = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let unit = -1;
  while (unit + 1 < units.length && bytes >= 1024 ** (unit + 2)) unit++;
  if (unit < 0) return `${bytes}`;
  const value = bytes / 1024 ** (unit + 1);
  const text = value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
  return `${text}${units[unit]}`;
}

export function nodeStatus(n: Node): string {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return `${ready ? 'Ready' : 'NotReady'}${n.spec?.unschedulable ? ',SchedulingDisabled' : ''}`;
}

export function nodeRoles(n: Node): string {
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter(Boolean)
    .sort();
  return roles.length ? roles.join(',') : none;
}

/** kubectl's pod STATUS: a container's waiting/terminated reason when there is one, else the phase. */
export function podStatus(p: Pod): string {
  let reason = p.status?.reason ?? p.status?.phase ?? 'Pending';
  let running = false;
  for (const cs of p.status?.containerStatuses ?? []) {
    if (cs.state.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state.terminated) reason = cs.state.terminated.reason ?? `ExitCode:${cs.state.terminated.exitCode}`;
    else if (cs.state.running && cs.ready) running = true;
  }
  // One container finished while another still runs: the pod is running, not completed.
  if (reason === 'Completed' && running) reason = 'Running';
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

export function podReady(p: Pod): string {
  const total = p.spec.containers.length;
  const ready = (p.status?.containerStatuses ?? []).filter((c) => c.ready).length;
  return `${ready}/${total}`;
}

export function podRestarts(p: Pod): string {
  return String((p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0));
}

function selectorText(d: Deployment): string {
  return formatLabelSelector(d.spec.selector) || none;
}

function columnsFor(kind: string, wide: boolean): Columns {
  switch (kind) {
    case 'Node':
      return {
        headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', ...(wide ? ['INTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME', 'ARCH', 'CPU', 'MEMORY'] : [])],
        row(o, now) {
          const n = o as Node;
          const info = n.status?.nodeInfo;
          const base = [n.metadata.name ?? '', nodeStatus(n), nodeRoles(n), formatAge(n.metadata.creationTimestamp, now), info?.kubeletVersion ?? ''];
          if (!wide) return base;
          const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? none;
          const cap = n.status?.capacity ?? {};
          return [...base, ip, info?.osImage ?? '<unknown>', info?.kernelVersion ?? '<unknown>', info?.containerRuntimeVersion ?? '<unknown>', info?.architecture ?? '<unknown>', cap.cpu ?? none, humanMemory(cap.memory)];
        },
      };
    case 'Pod':
      return {
        headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', ...(wide ? ['IP', 'NODE'] : [])],
        row(o, now) {
          const p = o as Pod;
          const base = [p.metadata.name ?? '', podReady(p), podStatus(p), podRestarts(p), formatAge(p.metadata.creationTimestamp, now)];
          return wide ? [...base, p.status?.podIP ?? none, p.spec.nodeName ?? none] : base;
        },
      };
    case 'Deployment':
      return {
        headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', ...(wide ? ['CONTAINERS', 'IMAGES', 'SELECTOR'] : [])],
        row(o, now) {
          const d = o as Deployment;
          const s = d.status ?? {};
          const base = [d.metadata.name ?? '', `${s.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`, String(s.updatedReplicas ?? 0), String(s.availableReplicas ?? 0), formatAge(d.metadata.creationTimestamp, now)];
          if (!wide) return base;
          const containers = d.spec.template.spec.containers;
          return [...base, containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), selectorText(d)];
        },
      };
    case 'Namespace':
      return {
        headers: ['NAME', 'STATUS', 'AGE'],
        row(o, now) {
          const ns = o as Namespace;
          return [ns.metadata.name ?? '', ns.status?.phase ?? 'Active', formatAge(ns.metadata.creationTimestamp, now)];
        },
      };
    case 'Event':
      return eventColumns(wide);
    case 'ReplicaSet':
      return replicaSetColumns(wide);
    case 'DaemonSet':
      return daemonSetColumns(wide);
    default:
      return { headers: ['NAME', 'AGE'], row: (o, now) => [o.metadata.name ?? '', formatAge(o.metadata.creationTimestamp, now)] };
  }
}

/** The table `kedge get` prints; with `allNamespaces` a NAMESPACE column comes first. */
export function renderObjects(kind: string, items: KObject[], o: { wide: boolean; allNamespaces: boolean; now: number }): string {
  const cols = columnsFor(kind, o.wide);
  const headers = o.allNamespaces ? ['NAMESPACE', ...cols.headers] : cols.headers;
  const rows = (cols.sort ? [...items].sort(cols.sort) : items).map((it) => {
    const row = cols.row(it, o.now);
    return o.allNamespaces ? [it.metadata.namespace ?? '', ...row] : row;
  });
  return renderTable(headers, rows);
}
