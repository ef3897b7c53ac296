/** Finds a containerd to talk to, or starts the agent's own (like K3s). */
import { KedgeError } from '../../shared/errors.js';
import { startContainerdChild } from './child.js';
import { containerdPaths } from './config.js';
import { containerdVersion, socketAnswers } from './probe.js';

export const systemContainerdSocket = '/run/containerd/containerd.sock';

export interface EnsureContainerdOptions {
  /** From --containerd-address: used as is, never replaced by our own child. */
  address?: string;
  dataDir: string;
  log?: (m: string) => void;
  containerdPath?: string;
  ctrPath?: string;
  /** Socket of a system containerd to prefer over our own child; null never uses one. */
  systemSocket?: string | null;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export interface ContainerdHandle {
  address: string;
  version: string;
  /** Pass to createCtrDriver({ runcRoot }): set for our own child so its runc state never mixes with a system containerd's. */
  runcRoot?: string;
  /** Stops our own child (its shims keep containers running); a no-op for a containerd we did not start. */
  stop(): Promise<void>;
}

export async function ensureContainerd(o: EnsureContainerdOptions): Promise<ContainerdHandle> {
  const log = o.log ?? (() => {});
  const ctrPath = o.ctrPath ?? 'ctr';
  const noop = async (): Promise<void> => {};

  if (o.address) {
    const v = await containerdVersion(ctrPath, o.address);
    if (!v.ok) {
      throw new KedgeError('ServiceUnavailable', `--containerd-address ${o.address}: containerd does not answer (${v.error})`);
    }
    log(`containerd: using ${v.version} at ${o.address}`);
    return { address: o.address, version: v.version, stop: noop };
  }

  const system = o.systemSocket === undefined ? systemContainerdSocket : o.systemSocket;
  if (system && (await socketAnswers(system))) {
    const v = await containerdVersion(ctrPath, system);
    if (v.ok) {
      log(`containerd: using the system containerd ${v.version} at ${system}`);
      return { address: system, version: v.version, stop: noop };
    }
    log(`containerd: ${system} accepts connections but does not answer (${v.error}); starting our own`);
  }

  const paths = containerdPaths(o.dataDir);
  const child = await startContainerdChild({
    paths,
    containerdPath: o.containerdPath ?? 'containerd',
    ctrPath,
    log,
    readyTimeoutMs: o.readyTimeoutMs,
    stopTimeoutMs: o.stopTimeoutMs,
  });
  return { address: paths.address, version: child.version, runcRoot: paths.runcRoot, stop: child.stop };
}
