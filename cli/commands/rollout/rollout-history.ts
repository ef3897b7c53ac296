import type { ApiClient } from '../../../shared/client.js';
import type { Deployment } from '../../../shared/deployment.js';
import { KedgeError } from '../../../shared/errors.js';
import type { PodTemplate } from '../../../shared/pod.js';
import type { ReplicaSet } from '../../../shared/replicaset.js';
import { changeCauseAnnotation, revisionOf } from '../../../shared/revisions.js';
import { controllerOf } from '../../../shared/meta.js';

/** The Deployment and the ReplicaSets it controls (its revisions), oldest revision first. */
export async function deploymentRevisions(client: Pick<ApiClient, 'get' | 'list'>, namespace: string, name: string): Promise<{ d: Deployment; replicaSets: ReplicaSet[] }> {
  const d = await client.get<Deployment>('Deployment', namespace, name);
  const list = await client.list<ReplicaSet>('ReplicaSet', { namespace });
  const replicaSets = list.items
    .filter((rs) => controllerOf(rs)?.uid === d.metadata.uid)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  return { d, replicaSets };
}

/** kubectl's history table: columns two spaces apart. */
function tabbed(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length + 2)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('')).join('\n') + '\n';
}

/** `rollout history`: REVISION and CHANGE-CAUSE of each revision. */
export function historyText(label: string, replicaSets: ReplicaSet[]): string {
  const rows = replicaSets.filter((rs) => revisionOf(rs) > 0).map((rs) => [String(revisionOf(rs)), rs.metadata.annotations?.[changeCauseAnnotation] ?? '<none>']);
  if (!rows.length) return 'No rollout history found.\n';
  return `${label} \n${tabbed([['REVISION', 'CHANGE-CAUSE'], ...rows])}\n`;
}

/** `rollout history --revision N`: the pod template of that revision, laid out as kubectl describes it. */
export function revisionText(label: string, rs: ReplicaSet): string {
  const t: PodTemplate = rs.spec.template;
  const spec = t.spec;
  const lines = [`${label} with revision #${revisionOf(rs)}`, 'Pod Template:'];
  const pairs = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`);
  const field = (indent: string, title: string, items: string[]) => {
    lines.push(`${indent}${title}:\t${items[0] ?? '<none>'}`);
    for (const i of items.slice(1)) lines.push(`\t${i}`);
  };
  field('  ', 'Labels', pairs(t.metadata?.labels));
  const cause = rs.metadata.annotations?.[changeCauseAnnotation];
  const annotations = pairs({ ...(t.metadata?.annotations ?? {}), ...(cause ? { [changeCauseAnnotation]: cause } : {}) });
  if (annotations.length) field('  ', 'Annotations', annotations);
  lines.push('  Containers:');
  for (const c of spec.containers) {
    lines.push(`   ${c.name}:`, `    Image:\t${c.image}`);
    const ports = c.ports ?? [];
    lines.push(`    Port:\t${ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>'}`);
    lines.push(`    Host Port:\t${ports.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ') || '<none>'}`);
    if (c.command) lines.push('    Command:', ...c.command.map((x) => `      ${x}`));
    if (c.args) lines.push('    Args:', ...c.args.map((x) => `      ${x}`));
    const env = (c.env ?? []).map((e) => `      ${e.name}:\t${e.value ?? '<set from a reference>'}`);
    lines.push(`    Environment:${env.length ? '' : '\t<none>'}`, ...env);
    const mounts = (c.volumeMounts ?? []).map((m) => `      ${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`);
    lines.push(`    Mounts:${mounts.length ? '' : '\t<none>'}`, ...mounts);
  }
  lines.push(`  Volumes:\t${(spec.volumes ?? []).map((v) => v.name).join(', ') || '<none>'}`);
  lines.push(`  Node-Selectors:\t${pairs(spec.nodeSelector).join(',') || '<none>'}`);
  lines.push(`  Tolerations:\t${(spec.tolerations ?? []).map((x) => `${x.key ?? ''}${x.operator === 'Exists' ? '' : `=${x.value ?? ''}`}:${x.effect ?? ''}`).join(', ') || '<none>'}`);
  return lines.join('\n') + '\n\n';
}

export function replicaSetOfRevision(replicaSets: ReplicaSet[], revision: number, name: string): ReplicaSet {
  const rs = replicaSets.find((r) => revisionOf(r) === revision);
  if (!rs) throw new KedgeError('NotFound', `unable to find the specified revision ${revision} of deployment "${name}"`);
  return rs;
}
