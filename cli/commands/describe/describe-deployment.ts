import type { Deployment } from '../../../shared/deployment.js';
import type { KEvent } from '../../../shared/event.js';
import type { ReplicaSet } from '../../../shared/replicaset.js';
import { writeEvents } from './describe-events.js';
import { writeContainer, writeVolumes } from './describe-pod.js';
import { describeTime, describeWriter, keyValues } from '../../printing/describe-writer.js';
import { formatLabelSelector } from '../../../shared/selector.js';

const revisionKey = 'deployment.kubernetes.io/revision';

function selectorText(d: Deployment): string {
  return formatLabelSelector(d.spec.selector) || '<none>';
}

const rsLine = (rs: ReplicaSet) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 0} replicas created)`;

/** `kedge describe deploy NAME`: replicas, strategy, pod template, conditions, ReplicaSets, events. */
export function describeDeployment(d: Deployment, replicaSets: ReplicaSet[], events: KEvent[], now: number): string {
  const w = describeWriter();
  const s = d.status ?? {};
  const desired = d.spec.replicas ?? 1;
  const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
  w.field(0, 'Name', d.metadata.name ?? '')
    .field(0, 'Namespace', d.metadata.namespace ?? 'default')
    .field(0, 'CreationTimestamp', describeTime(d.metadata.creationTimestamp))
    .field(0, 'Labels', keyValues(d.metadata.labels))
    .field(0, 'Annotations', keyValues(Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration')), ': '))
    .field(0, 'Selector', selectorText(d))
    .field(0, 'Replicas', `${desired} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable`)
    .field(0, 'StrategyType', strategy)
    .field(0, 'MinReadySeconds', String(d.spec.minReadySeconds ?? 0));
  if (strategy === 'RollingUpdate') {
    const ru = d.spec.strategy?.rollingUpdate ?? {};
    w.field(0, 'RollingUpdateStrategy', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
  }
  w.text(0, 'Pod Template:');
  w.field(1, 'Labels', keyValues(d.spec.template.metadata?.labels));
  w.text(1, 'Containers:');
  for (const c of d.spec.template.spec.containers) writeContainer(w, 2, c);
  writeVolumes(w, 1, d.spec.template.spec.volumes);
  const conditions = s.conditions ?? [];
  if (conditions.length) {
    w.text(0, 'Conditions:');
    w.table(1, ['Type', 'Status', 'Reason'], conditions.map((c) => [c.type, c.status, c.reason ?? '']));
  }
  const owned = replicaSets
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === d.metadata.uid))
    .sort((a, b) => Number(b.metadata.annotations?.[revisionKey] ?? 0) - Number(a.metadata.annotations?.[revisionKey] ?? 0));
  const [newest, ...older] = owned;
  const oldWithPods = older.filter((rs) => (rs.status?.replicas ?? 0) > 0 || (rs.spec.replicas ?? 0) > 0);
  w.field(0, 'OldReplicaSets', oldWithPods.length ? oldWithPods.map(rsLine) : '<none>').field(0, 'NewReplicaSet', newest ? rsLine(newest) : '<none>');
  writeEvents(w, events, now);
  return w.toString();
}
