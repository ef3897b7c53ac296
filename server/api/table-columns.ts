/** kubectl's columns for each kind kedge serves, as Kubernetes' server-side printers define them. */
import { formatAge, formatDuration } from '../../shared/age.js';
import type { ConfigMap, Secret } from '../../shared/configmap.js';
import type { DaemonSet } from '../../shared/daemonset.js';
import type { Deployment, LabelSelectorSpec } from '../../shared/deployment.js';
import { eventLastSeen, type KEvent } from '../../shared/event.js';
import { readyConditionOf, type KObject } from '../../shared/meta.js';
import type { Namespace } from '../../shared/namespace.js';
import { nodeRoles, type Node } from '../../shared/node.js';
import { isPodReady, type Pod, type PodTemplate } from '../../shared/pod.js';
import { humanMemory } from '../../shared/quantity.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { formatLabelSelector } from '../../shared/selector.js';
import type { Cell, ColumnDefinition } from '../../shared/table.js';
import { networkColumns } from './network-columns.js';

export interface KindColumns {
  columns: ColumnDefinition[];
  cells(o: KObject, now: number): Cell[];
}

const none = '<none>';

const col = (name: string, type: ColumnDefinition['type'], description: string, priority = 0, format = ''): ColumnDefinition => ({ name, type, format, description, priority });
const nameCol = col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
const ageCol = col('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

/** metav1.FormatLabelSelector: requirements sorted by key. */
export function selectorText(sel: LabelSelectorSpec | undefined): string {
  return formatLabelSelector(sel) || none;
}

function templateCells(t: PodTemplate): string[] {
  const cs = t.spec.containers;
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

/**
 * kubectl's pod STATUS: the phase (or the pod's reason), overridden by a container's waiting or
 * terminated reason (the first container's wins, as kubectl walks them from the last), Terminating
 * while a deletion is pending.
 */
export function podStatusText(p: Pod): string {
  let reason = p.status?.reason || p.status?.phase || 'Pending';
  let running = false;
  for (const cs of [...(p.status?.containerStatuses ?? [])].reverse()) {
    if (cs.state.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state.terminated) reason = cs.state.terminated.reason || `ExitCode:${cs.state.terminated.exitCode}`;
    else if (cs.state.running && cs.ready) running = true;
  }
  // One container finished while another still runs: the pod is running, not completed.
  if (reason === 'Completed' && running) reason = isPodReady(p) ? 'Running' : 'NotReady';
  const phase = p.status?.phase;
  if (p.metadata.deletionTimestamp && p.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (p.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return reason;
}

function podRestarts(p: Pod, now: number): string {
  let restarts = 0;
  let last = NaN;
  for (const cs of p.status?.containerStatuses ?? []) {
    restarts += cs.restartCount;
    const finished = Date.parse(cs.lastState?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(finished) && (Number.isNaN(last) || finished > last)) last = finished;
  }
  return restarts > 0 && !Number.isNaN(last) ? `${restarts} (${formatDuration(now - last)} ago)` : String(restarts);
}

function nodeStatusText(n: Node): string {
  const ready = readyConditionOf(n);
  const base = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  return n.spec?.unschedulable ? `${base},SchedulingDisabled` : base;
}

const columnsByKind: Record<string, KindColumns> = {
  Pod: {
    columns: [
      nameCol,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      ageCol,
      col('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster.', 1),
      col('Node', 'string', 'Name of the Node this pod is scheduled on.', 1),
      col('Nominated Node', 'string', 'Name of the Node this pod is nominated to run on (kedge does not preempt).', 1),
      col('Readiness Gates', 'string', 'Readiness gates of the pod (kedge has none).', 1),
    ],
    cells(o, now) {
      const p = o as Pod;
      const ready = (p.status?.containerStatuses ?? []).filter((c) => c.ready).length;
      return [p.metadata.name ?? '', `${ready}/${p.spec.containers.length}`, podStatusText(p), podRestarts(p, now), formatAge(p.metadata.creationTimestamp, now), p.status?.podIP ?? none, p.spec.nodeName ?? none, none, none];
    },
  },
  Node: {
    columns: [
      nameCol,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      ageCol,
      col('Version', 'string', 'Kubelet Version reported by the node.'),
      col('Internal-IP', 'string', 'List of internal IPs in the node.', 1),
      col('External-IP', 'string', 'List of external IPs in the node.', 1),
      col('OS-Image', 'string', 'OS image reported by the node.', 1),
      col('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
      col('Container-Runtime', 'string', 'Container runtime reported by the node.', 1),
      col('Arch', 'string', 'CPU architecture reported by the node (kedge).', 1),
      col('CPU', 'string', 'CPU capacity of the node (kedge).', 1),
      col('Memory', 'string', 'Memory capacity of the node (kedge).', 1),
    ],
    cells(o, now) {
      const n = o as Node;
      const info = n.status?.nodeInfo;
      const ips = (type: string) => (n.status?.addresses ?? []).filter((a) => a.type === type).map((a) => a.address).join(',') || none;
      const capacity = n.status?.capacity ?? {};
      return [
        n.metadata.name ?? '', nodeStatusText(n), nodeRoles(n), formatAge(n.metadata.creationTimestamp, now), info?.kubeletVersion ?? '',
        ips('InternalIP'), ips('ExternalIP'), info?.osImage ?? '<unknown>', info?.kernelVersion ?? '<unknown>', info?.containerRuntimeVersion ?? '<unknown>', info?.architecture ?? '<unknown>',
        capacity.cpu ?? none, capacity.memory ? humanMemory(capacity.memory) : none,
      ];
    },
  },
  Namespace: {
    columns: [nameCol, col('Status', 'string', 'The status of the namespace'), ageCol],
    cells: (o, now) => [o.metadata.name ?? '', (o as Namespace).status?.phase ?? 'Active', formatAge(o.metadata.creationTimestamp, now)],
  },
  Deployment: {
    columns: [
      nameCol,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
      col('Available', 'integer', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
      ageCol,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', 1),
    ],
    cells(o, now) {
      const d = o as Deployment;
      const s = d.status ?? {};
      return [d.metadata.name ?? '', `${s.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`, s.updatedReplicas ?? 0, s.availableReplicas ?? 0, formatAge(d.metadata.creationTimestamp, now), ...templateCells(d.spec.template), selectorText(d.spec.selector)];
    },
  },
  ReplicaSet: {
    columns: [
      nameCol,
      col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
      col('Current', 'integer', 'Replicas is the most recently oberved number of replicas.'),
      col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
      ageCol,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.', 1),
    ],
    cells(o, now) {
      const r = o as ReplicaSet;
      return [r.metadata.name ?? '', r.spec.replicas ?? 1, r.status?.replicas ?? 0, r.status?.readyReplicas ?? 0, formatAge(r.metadata.creationTimestamp, now), ...templateCells(r.spec.template), selectorText(r.spec.selector)];
    },
  },
  DaemonSet: {
    columns: [
      nameCol,
      col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
      col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
      col('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
      col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
      col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
      col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
      ageCol,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
    ],
    cells(o, now) {
      const d = o as DaemonSet;
      const s = d.status;
      const nodeSelector = Object.entries(d.spec.template.spec.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).sort().join(',') || none;
      return [d.metadata.name ?? '', s?.desiredNumberScheduled ?? 0, s?.currentNumberScheduled ?? 0, s?.numberReady ?? 0, s?.updatedNumberScheduled ?? 0, s?.numberAvailable ?? 0, nodeSelector, formatAge(d.metadata.creationTimestamp, now), ...templateCells(d.spec.template), selectorText(d.spec.selector)];
    },
  },
  ConfigMap: {
    columns: [nameCol, col('Data', 'string', 'Data contains the configuration data.'), ageCol],
    cells(o, now) {
      const c = o as ConfigMap;
      return [c.metadata.name ?? '', Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, formatAge(c.metadata.creationTimestamp, now)];
    },
  },
  Secret: {
    columns: [nameCol, col('Type', 'string', 'The type of the secret'), col('Data', 'string', 'The number of entries in data'), ageCol],
    cells(o, now) {
      const s = o as Secret;
      return [s.metadata.name ?? '', s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, formatAge(s.metadata.creationTimestamp, now)];
    },
  },
  Event: {
    columns: [
      col('Last Seen', 'string', 'The last time the event was seen'),
      col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      col('Object', 'string', 'The object that this event is about.'),
      col('Subobject', 'string', 'The subobject (fieldPath) that this event is about.', 1),
      col('Source', 'string', 'The component reporting this event.', 1),
      col('Message', 'string', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'string', 'The first time the event was seen', 1),
      col('Count', 'string', 'The number of times this event has occurred.', 1),
      col('Name', 'string', 'The name of the event.', 1, 'name'),
    ],
    cells(o, now) {
      const e = o as KEvent;
      const last = eventLastSeen(e);
      const source = [e.source?.component ?? e.reportingComponent, e.source?.host].filter(Boolean).join(', ');
      return [
        formatAge(last, now),
        e.type,
        e.reason,
        `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
        e.involvedObject.fieldPath ?? '',
        source,
        e.message.trim(),
        formatAge(e.firstTimestamp ?? last, now),
        e.count ?? 1,
        e.metadata.name ?? '',
      ];
    },
  },
  ...networkColumns,
};

/** Kinds without printers of their own get NAME and AGE, as Kubernetes' default table does. */
const fallback: KindColumns = {
  columns: [nameCol, ageCol],
  cells: (o, now) => [o.metadata.name ?? '', formatAge(o.metadata.creationTimestamp, now)],
};

export function columnsFor(kind: string): KindColumns {
  return columnsByKind[kind] ?? fallback;
}
