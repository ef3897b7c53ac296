import type { ApiClient } from '../../../shared/client.js';
import { KedgeError, isKedgeError } from '../../../shared/errors.js';
import type { KindInfo } from '../../../shared/kinds.js';
import type { KObject } from '../../../shared/meta.js';
import type { PodTemplate } from '../../../shared/pod.js';
import { restartedAtAnnotation } from '../../../shared/revisions.js';

export interface Workload extends KObject {
  spec: { template: PodTemplate; paused?: boolean };
}

/** Reads, changes and writes an object, again when someone else wrote it in between (Conflict). */
export async function editObject<T extends KObject>(client: Pick<ApiClient, 'get' | 'update'>, info: KindInfo, namespace: string, name: string, change: (o: T) => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const cur = await client.get<T>(info, namespace, name);
    try {
      return await client.update({ ...change({ ...cur, apiVersion: info.apiVersion, kind: info.kind }) });
    } catch (e) {
      if (!isKedgeError(e, 'Conflict') || attempt >= 4) throw e;
    }
  }
}

/** `rollout restart`: a new template annotation, so every pod is replaced by the rollout strategy. */
export function restarted<T extends Workload>(o: T, at: Date): T {
  if (o.spec.paused) throw new KedgeError('BadRequest', `can't restart paused ${o.kind.toLowerCase()} (run rollout resume first)`);
  const t = o.spec.template;
  const annotations = { ...(t.metadata?.annotations ?? {}), [restartedAtAnnotation]: at.toISOString().replace(/\.\d+Z$/, 'Z') };
  return { ...o, spec: { ...o.spec, template: { ...t, metadata: { ...(t.metadata ?? {}), annotations } } } };
}

/** `rollout pause|resume`: flips spec.paused, refusing what would change nothing, as kubectl does. */
export function paused<T extends Workload>(o: T, pause: boolean, label: string): T {
  if (o.kind !== 'Deployment') throw new KedgeError('BadRequest', `${label}: only deployments can be paused and resumed`);
  if (!!o.spec.paused === pause) throw new KedgeError('BadRequest', `${label} is ${pause ? 'already paused' : 'not paused'}`);
  return { ...o, spec: { ...o.spec, paused: pause } };
}
