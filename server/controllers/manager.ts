import type { Node } from '../../shared/node.js';
import { defaultNetworkSettings, type NetworkSettings } from '../network/settings.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createClusterNetworkPublisher } from './cluster-network.js';
import { createDaemonSetController } from './daemonset.js';
import { createDeploymentController } from './deployment.js';
import { createDesiredPublisher, type DesiredPublisherDeps } from './desired.js';
import type { EventRecorder } from '../events/recorder.js';
import { createEndpointsController } from './endpoints.js';
import { createGarbageCollector } from './gc.js';
import { createKubernetesServiceController, type ApiEndpoint } from './kubernetes-service.js';
import { createNamespaceController } from './namespace.js';
import { createNodeIpamController } from './node-ipam.js';
import { createNodeLifecycleController } from './node-lifecycle.js';
import { createPodGarbageCollector } from './pod-gc.js';
import { createReplicaSetController } from './replicaset.js';
import { createSchedulingController } from './scheduling.js';
import { createServiceLbController } from './service-lb.js';

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
  /** Pod and service ranges (default: K3s's). */
  network?: NetworkSettings;
  /** Where pods reach the API: with it, the `kubernetes` Service in `default` is kept. */
  apiEndpoint?: ApiEndpoint;
  /** How long the cluster network messages wait for more changes (default 100 ms). */
  clusterNetworkDebounceMs?: number;
}

/** Feeds the store's change stream to every controller and resyncs them now and then (level-triggered). */
export function startControllers(deps: ControllerManagerDeps) {
  const common = { store: deps.store, now: deps.now, random: deps.random, log: deps.log, events: deps.events };
  const network = deps.network ?? defaultNetworkSettings;
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
    nodeIpam: createNodeIpamController({ ...common, network }),
    endpoints: createEndpointsController(common),
    serviceLb: createServiceLbController(common),
    clusterNetwork: createClusterNetworkPublisher({ store: deps.store, network, publish: deps.publish, log: deps.log, debounceMs: deps.clusterNetworkDebounceMs }),
    ...(deps.apiEndpoint ? { kubernetesService: createKubernetesServiceController({ store: deps.store, network, api: deps.apiEndpoint, log: deps.log }) } : {}),
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
