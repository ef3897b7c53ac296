import type { Pod } from '../../shared/pod.js';
import { containerLabels, type ContainerInfo } from '../runtime/driver.js';
import type { VolumeManager } from '../volumes/manager.js';
import { planPodVolumes } from '../volumes/plan.js';
import { podName, podNamespace, podUid } from './ids.js';
import type { ConfigSources } from './sources.js';

/**
 * New ConfigMap/Secret content reaches the configMap and secret volumes of pods that have
 * containers (env stays as it was, as in Kubernetes); volumes of pods that are gone are removed.
 */
export async function refreshVolumes(o: {
  volumes: VolumeManager;
  desired: readonly Pod[];
  actual: readonly ContainerInfo[];
  sources: ConfigSources;
  /** Pods whose volumes stay: desired, or still with containers. */
  keep: ReadonlySet<string>;
  log: (m: string) => void;
}): Promise<void> {
  // Also pods adopted after an agent restart, which the volume manager has not met yet.
  const created = new Set(o.actual.map((a) => a.labels[containerLabels.podUid]));
  for (const pod of o.desired) {
    const uid = podUid(pod);
    if (!(o.volumes.has(uid) || created.has(uid)) || !pod.spec.volumes?.some((x) => x.configMap || x.secret)) continue;
    try {
      await o.volumes.prepare(uid, planPodVolumes(pod, o.sources, o.volumes.roots).filter((x) => x.type === 'files'));
    } catch (e) {
      o.log(`pod ${podNamespace(pod)}/${podName(pod)}: volumes keep their content: ${(e as Error).message}`);
    }
  }
  await o.volumes.prune(o.keep).catch((e: Error) => o.log(`removing volumes of gone pods: ${e.message}`));
}
