import type { ApiClient, WatchEvent } from '../../../shared/client.js';
import type { DaemonSet } from '../../../shared/daemonset.js';
import type { Deployment } from '../../../shared/deployment.js';
import { KedgeError } from '../../../shared/errors.js';
import { resourcePath, type KindInfo } from '../../../shared/kinds.js';
import type { KObject } from '../../../shared/meta.js';
import type { CliIo } from '../../command.js';

export interface RolloutState {
  message: string;
  done: boolean;
}

/** kubectl's DeploymentStatusViewer, word for word. Throws when the progress deadline has passed. */
export function deploymentRolloutState(d: Deployment): RolloutState {
  const name = d.metadata.name;
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return { message: 'Waiting for deployment spec update to be observed...', done: false };
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') throw new KedgeError('Timeout', `deployment "${name}" exceeded its progress deadline`);
  const replicas = d.spec.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  if (updated < replicas) return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`, done: false };
  if ((s.replicas ?? 0) > updated) return { message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...`, done: false };
  if ((s.availableReplicas ?? 0) < updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}

/** kubectl's DaemonSetStatusViewer. */
export function daemonSetRolloutState(ds: DaemonSet): RolloutState {
  const name = ds.metadata.name;
  if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') throw new KedgeError('BadRequest', 'rollout status is only available for RollingUpdate strategy type');
  const s = ds.status;
  if (!s || (ds.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return { message: 'Waiting for daemon set spec update to be observed...', done: false };
  const updated = s.updatedNumberScheduled ?? 0;
  if (updated < s.desiredNumberScheduled) {
    return { message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${s.desiredNumberScheduled} new pods have been updated...`, done: false };
  }
  if ((s.numberAvailable ?? 0) < s.desiredNumberScheduled) {
    return { message: `Waiting for daemon set "${name}" rollout to finish: ${s.numberAvailable ?? 0} of ${s.desiredNumberScheduled} updated pods are available...`, done: false };
  }
  return { message: `daemon set "${name}" successfully rolled out`, done: true };
}

export function rolloutState(o: KObject): RolloutState {
  if (o.kind === 'Deployment') return deploymentRolloutState(o as Deployment);
  if (o.kind === 'DaemonSet') return daemonSetRolloutState(o as DaemonSet);
  throw new KedgeError('BadRequest', `rollout status: kedge follows deployments and daemonsets, not ${o.kind}`);
}

export interface StatusOptions {
  /** 0: wait for ever. */
  timeoutMs: number;
  watch: boolean;
}

/**
 * Prints each new progress line until the rollout finishes (0), its deadline passes or the
 * timeout expires (a KedgeError). Watches the object, re-watching when the stream ends.
 */
export async function runRolloutStatus(client: Pick<ApiClient, 'get' | 'watch'>, info: KindInfo, namespace: string, name: string, o: StatusOptions, io: Pick<CliIo, 'out'>): Promise<number> {
  let last = '';
  const show = (obj: KObject): boolean => {
    const st = rolloutState({ ...obj, kind: info.kind });
    if (st.message !== last) io.out(`${st.message}\n`);
    last = st.message;
    return st.done;
  };
  const first = await client.get<KObject>(info, namespace, name);
  if (show(first) || !o.watch) return 0;

  return new Promise<number>((resolve, reject) => {
    let stream: { stop(): void } | undefined;
    let finished = false;
    const timer = o.timeoutMs > 0 ? setTimeout(() => finish(new KedgeError('Timeout', 'timed out waiting for the condition')), o.timeoutMs) : undefined;
    function finish(err?: Error) {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      stream?.stop();
      if (err) reject(err);
      else resolve(0);
    }
    function onEvent(e: WatchEvent<KObject>) {
      if (e.type === 'ERROR') return finish(new KedgeError('InternalError', `rollout status: the watch failed: ${JSON.stringify(e.object)}`));
      if (e.type === 'DELETED') return finish(new KedgeError('NotFound', `${info.singular} "${name}" was deleted`));
      if (e.type === 'BOOKMARK') return;
      try {
        if (show(e.object)) finish();
      } catch (err) {
        finish(err as Error);
      }
    }
    function watch(resourceVersion?: string) {
      if (finished) return;
      stream = client.watch<KObject>(resourcePath(info, namespace), { fieldSelector: `metadata.name=${name}`, resourceVersion }, onEvent, (err) => {
        if (finished) return;
        // The server ends watches now and then; look again and go on (a lost connection retries after a pause).
        setTimeout(() => watch(), err ? 1000 : 0);
      });
    }
    watch(first.metadata.resourceVersion);
  });
}
