import type { KEvent } from '../../../shared/event.js';
import { nodeRoles, type Node } from '../../../shared/node.js';
import type { Pod } from '../../../shared/pod.js';
import { cpuMillis, memoryBytes } from '../../../shared/quantity.js';
import { formatAge } from '../../../shared/age.js';
import { writeEvents } from './describe-events.js';
import { describeTime, describeWriter, keyValues } from '../../printing/describe-writer.js';

function sum(pods: Pod[], kind: 'requests' | 'limits', res: 'cpu' | 'memory'): number {
  let total = 0;
  for (const p of pods) for (const c of p.spec.containers) total += res === 'cpu' ? cpuMillis(c.resources?.[kind]?.cpu ?? 0) : memoryBytes(c.resources?.[kind]?.memory ?? 0);
  return total;
}

function cpuText(m: number): string {
  return m === 0 ? '0' : m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

function memText(b: number): string {
  if (b === 0) return '0';
  for (const [unit, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) if (b % size === 0) return `${b / size}${unit}`;
  return String(b);
}

function pct(part: number, whole: number): string {
  return `(${whole > 0 ? Math.floor((part / whole) * 100) : 0}%)`;
}

/** `kedge describe node NAME`: conditions, taints, resources, the pods it runs and their requests. */
export function describeNode(n: Node, pods: Pod[], events: KEvent[], now: number): string {
  const w = describeWriter();
  const taints = (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  w.field(0, 'Name', n.metadata.name ?? '')
    .field(0, 'Roles', nodeRoles(n))
    .field(0, 'Labels', keyValues(n.metadata.labels))
    .field(0, 'Annotations', keyValues(n.metadata.annotations, ': '))
    .field(0, 'CreationTimestamp', describeTime(n.metadata.creationTimestamp))
    .field(0, 'Taints', taints)
    .field(0, 'Unschedulable', String(n.spec?.unschedulable ?? false));
  const conditions = n.status?.conditions ?? [];
  if (conditions.length) {
    w.text(0, 'Conditions:');
    w.table(
      1,
      ['Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'],
      conditions.map((c) => [c.type, c.status, describeTime(c.lastHeartbeatTime), describeTime(c.lastTransitionTime), c.reason ?? '', c.message ?? '']),
    );
  } else w.field(0, 'Conditions', '<none>');
  const addresses = n.status?.addresses ?? [];
  w.text(0, 'Addresses:');
  for (const a of addresses) w.field(1, a.type, a.address);
  for (const [title, map] of [['Capacity', n.status?.capacity], ['Allocatable', n.status?.allocatable]] as const) {
    w.text(0, `${title}:`);
    for (const [k, v] of Object.entries(map ?? {})) w.field(1, k, v);
  }
  const info = n.status?.nodeInfo;
  if (info) {
    w.text(0, 'System Info:');
    w.field(1, 'Machine ID', info.machineID ?? '')
      .field(1, 'Kernel Version', info.kernelVersion)
      .field(1, 'OS Image', info.osImage)
      .field(1, 'Operating System', info.operatingSystem)
      .field(1, 'Architecture', info.architecture)
      .field(1, 'Container Runtime Version', info.containerRuntimeVersion)
      .field(1, 'Kubelet Version', info.kubeletVersion);
  }
  const running = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const alloc = n.status?.allocatable ?? n.status?.capacity ?? {};
  const cpuAlloc = cpuMillis(alloc.cpu ?? 0);
  const memAlloc = memoryBytes(alloc.memory ?? 0);
  w.field(0, 'Non-terminated Pods', `(${running.length} in total)`);
  if (running.length) {
    w.table(
      1,
      ['Namespace', 'Name', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age'],
      running.map((p) => {
        const one = [p];
        const cr = sum(one, 'requests', 'cpu');
        const cl = sum(one, 'limits', 'cpu');
        const mr = sum(one, 'requests', 'memory');
        const ml = sum(one, 'limits', 'memory');
        return [p.metadata.namespace ?? 'default', p.metadata.name ?? '', `${cpuText(cr)} ${pct(cr, cpuAlloc)}`, `${cpuText(cl)} ${pct(cl, cpuAlloc)}`, `${memText(mr)} ${pct(mr, memAlloc)}`, `${memText(ml)} ${pct(ml, memAlloc)}`, formatAge(p.metadata.creationTimestamp, now)];
      }),
    );
  }
  w.text(0, 'Allocated resources:');
  w.text(1, '(Total limits may be over 100 percent, i.e., overcommitted.)');
  const cr = sum(running, 'requests', 'cpu');
  const cl = sum(running, 'limits', 'cpu');
  const mr = sum(running, 'requests', 'memory');
  const ml = sum(running, 'limits', 'memory');
  w.table(1, ['Resource', 'Requests', 'Limits'], [
    ['cpu', `${cpuText(cr)} ${pct(cr, cpuAlloc)}`, `${cpuText(cl)} ${pct(cl, cpuAlloc)}`],
    ['memory', `${memText(mr)} ${pct(mr, memAlloc)}`, `${memText(ml)} ${pct(ml, memAlloc)}`],
  ]);
  writeEvents(w, events, now);
  return w.toString();
}
