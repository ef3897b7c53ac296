import type { Node } from '../../shared/node.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createDaemonSetController } from './daemonset.js';
import { createDeploymentController } from './deployment.js';
import { createDesiredPublisher, type DesiredPublisherDeps } from './desired.js';
import type { EventRecorder } from '../events/recorder.js';
import { createGarbageCollector } from './gc.js';
import { createNamespaceController } from './namespace.js';
import { createNodeLifecycleController } from './node-lifecycle.js';
import { createPodGarbageCollector } from './pod-gc.js';
import { createReplicaSetController } from './replicaset.js';
import { createSchedulingController } from './scheduling.js';

export interface ControllerManagerDeps {
  store: Store;
  publish: DesiredPublisherDeps['publish'];
  nodeView?: (n: Node) => Node;
  now?: () => Date;
  random?: () => number;
  log?: (msg: string) => void;
  resyncMs?: number;
  /** Where controllers record Events (Scheduled, TaintManagerEviction…). */
  events?: Pick<EventRecorder, 'record'>;
  /** How long pods stay on a NotReady node without their own toleration (default 20 s). */
  podEvictionTimeoutMs?: number;
}

/** Feeds the store's change stream to every controller and resyncs them now and then (level-triggered). */
export function startControllers(deps: ControllerManagerDeps) {
  const common = { store: deps.store, now: deps.now, random: deps.random, log: deps.log, events: deps.events };
  const controllers = {
    deployment: createDeploymentController(common),
    replicaset: createReplicaSetController(common),
    daemonset: createDaemonSetController(common),
    gc: createGarbageCollector(common),
    namespace: createNamespaceController(common),
    podGc: createPodGarbageCollector(common),
    scheduler: createSchedulingController({ ...common, nodeView: deps.nodeView, podEvictionTimeoutMs: deps.podEvictionTimeoutMs }),
    nodeLifecycle: createNodeLifecycleController({ ...common, podEvictionTimeoutMs: deps.podEvictionTimeoutMs }),
    desired: createDesiredPublisher({ store: deps.store, publish: deps.publish, log: deps.log }),
  };
  const all = Object.values(controllers);
  const unwatch = deps.store.watch((e: StoreEvent) => {
    for (const c of all) c.onEvent(e);
  });
  const resync = () => all.forEach((c) => c.resync());
  resync();
  const timer = setInterval(resync, deps.resyncMs ?? 30_000);
  timer.unref();
  return {
    ...controllers,
    async idle() {
      for (let i = 0; i < 3; i++) for (const c of all) await c.idle();
    },
    stop() {
      clearInterval(timer);
      unwatch();
      all.forEach((c) => c.stop());
    },
  };
}

export type Controllers = ReturnType<typeof startControllers>;
