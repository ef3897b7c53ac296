import type { ApiClient } from '../../shared/client.js';
import { KedgeError } from '../../shared/errors.js';
import type { LabelSelectorSpec } from '../../shared/deployment.js';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import { fromLabelSelector, matches } from '../../shared/selector.js';
import { kindArg } from '../flags/kind-arg.js';

/**
 * `POD` or `TYPE/NAME` → a pod name. For a workload (deploy/web, rs/…, ds/…) one of its pods is
 * chosen as kubectl does: running ones first; `note` says which when there was a choice.
 */
export async function pickPod(client: Pick<ApiClient, 'get' | 'list'>, namespace: string, arg: string, note: (line: string) => void): Promise<string> {
  const slash = arg.indexOf('/');
  if (slash < 0) return arg;
  const info = kindArg(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (!name) throw new KedgeError('BadRequest', `"${arg}" is not TYPE/NAME`);
  if (info.kind === 'Pod') return name;
  if (!['Deployment', 'ReplicaSet', 'DaemonSet'].includes(info.kind)) {
    throw new KedgeError('BadRequest', `cannot pick a pod of ${info.plural}; give a pod, or deploy/NAME, rs/NAME, ds/NAME`);
  }
  const owner = await client.get<KObject & { spec: { selector: LabelSelectorSpec } }>(info, namespace, name);
  const reqs = fromLabelSelector(owner.spec.selector);
  const pods = (await client.list<Pod>('Pod', { namespace })).items.filter((p) => matches(reqs, p.metadata.labels) && !p.metadata.deletionTimestamp);
  if (pods.length === 0) throw new KedgeError('NotFound', `${info.singular} ${name} has no pods in namespace ${namespace}`);
  const rank = (p: Pod) => (p.status?.phase === 'Running' ? 0 : p.spec.nodeName ? 1 : 2);
  pods.sort((a, b) => rank(a) - rank(b) || (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const chosen = pods[0]!.metadata.name!;
  if (pods.length > 1) note(`Found ${pods.length} pods, using pod/${chosen}\n`);
  return chosen;
}
