import type { Node } from '../../shared/node.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createDeploymentController } from './deployment.js';
import { createDesiredPublisher, type DesiredPublisherDeps } from './desired.js';
import { createGarbageCollector } from './gc.js';
import { createSchedulingController } from './scheduling.js';

export interface ControllerManagerDeps {
  store: Store;
  publish: DesiredPublisherDeps['publish'];
  nodeView?: (n: Node) => Node;
  now?: () => Date;
  log?: (msg: string) => void;
  resyncMs?: number;
}

/** Feeds the store's change stream to every controller and resyncs them now and then (level-triggered). */
export function startControllers(deps: ControllerManagerDeps) {
  const common = { store: deps.store, now: deps.now, log: deps.log };
  const controllers = {
    deployment: createDeploymentController(common),
    gc: createGarbageCollector(common),
    scheduler: createSchedulingController({ ...common, nodeView: deps.nodeView }),
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
