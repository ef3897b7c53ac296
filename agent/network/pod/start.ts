/** The pod network as the agent starts it: preflight (errors that name the fix), then the journal opened from the agent's directories. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cniPluginDirs } from './cni/plugins.js';
import { openPodNetwork } from './pod-network.js';
import { runPreflight, type PreflightProbes } from './preflight.js';
import { createPreflightProbes } from './preflight-probes.js';
import type { PodNetwork } from './types.js';

/**
 * Where the pod network keeps its things: the journal and host-local's store under the data dir
 * (they must survive a reboot to be reconciled after it), namespaces and per-pod files under
 * /run/kedge/<node>/network (gone at reboot, as the namespaces are), or the data dir without /run.
 */
export async function podNetworkDirs(o: { dataDir: string; nodeName: string; runDir?: string }): Promise<{ stateDir: string; runDir: string }> {
  const run = o.runDir ?? '/run';
  const stateDir = join(o.dataDir, 'network');
  try {
    if ((await stat(run)).isDirectory()) {
      await access(run, constants.W_OK);
      return { stateDir, runDir: join(run, 'kedge', o.nodeName, 'network') };
    }
  } catch {
    // no writable /run: fall through
  }
  return { stateDir, runDir: join(o.dataDir, 'run', 'network') };
}

export async function startPodNetwork(o: { dataDir: string; nodeName: string; log: (m: string) => void; vxlanRequired?: boolean; probes?: PreflightProbes; runDir?: string }): Promise<PodNetwork> {
  const { cniVersion } = await runPreflight({ probes: o.probes ?? createPreflightProbes(), pluginDirs: cniPluginDirs, log: o.log, ...(o.vxlanRequired ? { vxlanRequired: true } : {}) });
  const dirs = await podNetworkDirs(o);
  return openPodNetwork({ ...dirs, cniVersion, log: o.log });
}
