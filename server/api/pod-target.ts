import { KedgeError } from '../../shared/errors.js';
import type { Node } from '../../shared/node.js';
import type { ContainerStatus, Pod } from '../../shared/pod.js';
import type { Store } from '../store/types.js';
import { readyConditionOf } from '../../shared/meta.js';

/** Where a logs or exec request goes: the pod's node and one of its containers. */
export interface PodTarget {
  pod: Pod;
  node: string;
  container: string;
  status?: ContainerStatus;
}

/**
 * Finds the pod, picks the container (the only one, or the one named; kubectl's messages otherwise)
 * and checks that its node can be asked: scheduled, and Ready.
 */
export function podTarget(store: Store, namespace: string, name: string, container: string | undefined): PodTarget {
  const pod = store.get('Pod', namespace, name) as Pod | undefined;
  if (!pod) throw new KedgeError('NotFound', `pods "${name}" not found`, { details: { kind: 'pods', name } });
  const names = pod.spec.containers.map((c) => c.name);
  if (container === undefined || container === '') {
    if (names.length !== 1) throw new KedgeError('BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    container = names[0]!;
  } else if (!names.includes(container)) {
    throw new KedgeError('BadRequest', `container ${container} is not valid for pod ${name}`);
  }
  const status = pod.status?.containerStatuses?.find((s) => s.name === container);
  const node = pod.spec.nodeName;
  if (!node) throw new KedgeError('BadRequest', `pod ${name} is not scheduled to a node yet (${pod.status?.phase ?? 'Pending'})`);
  checkNodeReady(store, node);
  return { pod, node, container, ...(status ? { status } : {}) };
}

/** A node that is not Ready cannot answer; say since when, rather than wait for a timeout. */
export function checkNodeReady(store: Store, name: string): void {
  const node = store.get('Node', '', name) as Node | undefined;
  if (!node) throw new KedgeError('ServiceUnavailable', `node ${name} does not exist (any more)`);
  const ready = readyConditionOf(node);
  if (ready?.status === 'True') return;
  const since = ready?.lastTransitionTime ? ` since ${ready.lastTransitionTime}` : '';
  throw new KedgeError('ServiceUnavailable', `node ${name} is NotReady${since}${ready?.message ? ` (${ready.message})` : ''}`);
}

/** kubectl's message for a container with no run yet. */
export function waitingError(t: PodTarget): KedgeError | undefined {
  const s = t.status;
  if (s && (s.state.running || s.state.terminated || s.restartCount > 0)) return undefined;
  const reason = s?.state.waiting?.reason ?? 'ContainerCreating';
  return new KedgeError('BadRequest', `container "${t.container}" in pod "${t.pod.metadata.name}" is waiting to start: ${reason}`);
}
