import type { KEvent } from '../../../shared/event.js';
import type { Container, ContainerState, Pod } from '../../../shared/pod.js';
import { writeEvents } from './describe-events.js';
import { describeTime, describeWriter, keyValues, type DescribeWriter } from '../../printing/describe-writer.js';
import { controllerOf } from '../../../shared/meta.js';

type Toleration = NonNullable<Pod['spec']['tolerations']>[number];

/** "node.kubernetes.io/unreachable:NoExecute op=Exists for 20s", as kubectl lists tolerations. */
export function tolerationText(t: Toleration): string {
  let s = t.key ?? '';
  if (t.value) s += `=${t.value}`;
  if (t.effect) s += `:${t.effect}`;
  if (t.operator === 'Exists') s += s ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined) s += ` for ${t.tolerationSeconds}s`;
  return s;
}

function writeState(w: DescribeWriter, level: number, title: string, st: ContainerState | undefined) {
  if (st?.running) {
    w.field(level, title, 'Running');
    w.field(level + 1, 'Started', describeTime(st.running.startedAt));
  } else if (st?.waiting) {
    w.field(level, title, 'Waiting');
    if (st.waiting.reason) w.field(level + 1, 'Reason', st.waiting.reason);
    if (st.waiting.message) w.field(level + 1, 'Message', st.waiting.message);
  } else if (st?.terminated) {
    w.field(level, title, 'Terminated');
    const t = st.terminated;
    w.field(level + 1, 'Reason', t.reason ?? '');
    if (t.message) w.field(level + 1, 'Message', t.message);
    w.field(level + 1, 'Exit Code', String(t.exitCode));
    w.field(level + 1, 'Started', describeTime(t.startedAt));
    w.field(level + 1, 'Finished', describeTime(t.finishedAt));
  } else w.field(level, title, 'Waiting');
}

function list(items: string[] | undefined): string[] {
  return items?.length ? items : [];
}

/** One container of a pod spec (Pod Template in deployments too); `status` only for pods. */
export function writeContainer(w: DescribeWriter, level: number, c: Container, status?: Pod['status']) {
  const cs = status?.containerStatuses?.find((s) => s.name === c.name);
  w.text(level, `${c.name}:`);
  const l = level + 1;
  if (cs?.containerID) w.field(l, 'Container ID', cs.containerID);
  w.field(l, 'Image', c.image);
  if (cs?.imageID) w.field(l, 'Image ID', cs.imageID);
  const ports = c.ports ?? [];
  w.field(l, 'Port', ports.length ? ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') : '<none>');
  w.field(l, 'Host Port', ports.length ? ports.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ') : '<none>');
  if (list(c.command).length) {
    w.field(l, 'Command', '');
    for (const a of c.command!) w.text(l + 1, a);
  }
  if (list(c.args).length) {
    w.field(l, 'Args', '');
    for (const a of c.args!) w.text(l + 1, a);
  }
  if (cs) {
    writeState(w, l, 'State', cs.state);
    if (cs.lastState && Object.keys(cs.lastState).length) writeState(w, l, 'Last State', cs.lastState);
    w.field(l, 'Ready', cs.ready ? 'True' : 'False');
    w.field(l, 'Restart Count', String(cs.restartCount));
  }
  for (const kind of ['limits', 'requests'] as const) {
    const r = c.resources?.[kind];
    if (!r || !Object.keys(r).length) continue;
    w.field(l, kind === 'limits' ? 'Limits' : 'Requests', '');
    for (const [k, v] of Object.entries(r)) w.field(l + 1, k, String(v));
  }
  for (const [name, p] of [['Liveness', c.livenessProbe], ['Readiness', c.readinessProbe], ['Startup', c.startupProbe]] as const) {
    if (!p) continue;
    const how = p.exec ? `exec [${p.exec.command.join(' ')}]` : p.httpGet ? `http-get ${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? '/'}` : p.tcpSocket ? `tcp-socket :${p.tcpSocket.port}` : 'unknown';
    w.field(l, name, `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`);
  }
  const env = (c.env ?? []).map((e) => {
    if (e.value !== undefined) return `${e.name}:  ${e.value}`;
    const f = e.valueFrom;
    if (f?.configMapKeyRef) return `${e.name}:  <set to the key '${f.configMapKeyRef.key}' of config map '${f.configMapKeyRef.name}'>`;
    if (f?.secretKeyRef) return `${e.name}:  <set to the key '${f.secretKeyRef.key}' in secret '${f.secretKeyRef.name}'>`;
    if (f?.fieldRef) return `${e.name}:  (${f.fieldRef.fieldPath})`;
    return `${e.name}:  `;
  });
  if (env.length) {
    w.field(l, 'Environment', '');
    for (const e of env) w.text(l + 1, e);
  } else w.field(l, 'Environment', '<none>');
  const mounts = (c.volumeMounts ?? []).map((m) => `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`);
  if (mounts.length) {
    w.field(l, 'Mounts', '');
    for (const m of mounts) w.text(l + 1, m);
  } else w.field(l, 'Mounts', '<none>');
}

export function writeVolumes(w: DescribeWriter, level: number, volumes: Pod['spec']['volumes']) {
  if (!volumes?.length) {
    w.field(level, 'Volumes', '<none>');
    return;
  }
  w.text(level, 'Volumes:');
  for (const v of volumes) {
    w.text(level + 1, `${v.name}:`);
    const l = level + 2;
    if (v.configMap) w.field(l, 'Type', 'ConfigMap (a volume populated by a ConfigMap)').field(l, 'Name', v.configMap.name);
    else if (v.secret) w.field(l, 'Type', 'Secret (a volume populated by a Secret)').field(l, 'SecretName', v.secret.secretName);
    else if (v.hostPath) w.field(l, 'Type', `HostPath (bare host directory volume)`).field(l, 'Path', v.hostPath.path);
    else if (v.emptyDir) w.field(l, 'Type', 'EmptyDir (a temporary directory that shares a pod\'s lifetime)').field(l, 'Medium', v.emptyDir.medium ?? '');
  }
}

/** `kedge describe pod NAME`. */
export function describePod(p: Pod, events: KEvent[], now: number, nodeIP?: string): string {
  const w = describeWriter();
  const owner = controllerOf(p);
  w.field(0, 'Name', p.metadata.name ?? '')
    .field(0, 'Namespace', p.metadata.namespace ?? 'default')
    .field(0, 'Priority', String(p.spec.priority ?? 0))
    .field(0, 'Node', p.spec.nodeName ? `${p.spec.nodeName}${nodeIP ?? p.status?.hostIP ? `/${nodeIP ?? p.status?.hostIP}` : ''}` : '<none>')
    .field(0, 'Start Time', p.status?.startTime ? describeTime(p.status.startTime) : '<none>')
    .field(0, 'Labels', keyValues(p.metadata.labels))
    .field(0, 'Annotations', keyValues(p.metadata.annotations, ': '))
    .field(0, 'Status', p.metadata.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Pending'));
  if (p.status?.reason) w.field(0, 'Reason', p.status.reason);
  if (p.status?.message) w.field(0, 'Message', p.status.message);
  w.field(0, 'IP', p.status?.podIP ?? '');
  if (owner) w.field(0, 'Controlled By', `${owner.kind}/${owner.name}`);
  w.text(0, 'Containers:');
  for (const c of p.spec.containers) writeContainer(w, 1, c, p.status);
  const conditions = p.status?.conditions ?? [];
  if (conditions.length) {
    w.text(0, 'Conditions:');
    w.table(1, ['Type', 'Status'], conditions.map((c) => [c.type, c.status]));
  }
  writeVolumes(w, 0, p.spec.volumes);
  w.field(0, 'Node-Selectors', keyValues(p.spec.nodeSelector))
    .field(0, 'Tolerations', (p.spec.tolerations ?? []).map(tolerationText));
  writeEvents(w, events, now);
  return w.toString();
}
