/** The bench's own containerd (never the system one) with the busybox test image in every namespace used. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../fixtures/containerd.js';
import { buildTestImage, defaultTestImage } from '../fixtures/image.js';

/** Namespace of the bare `ctr run` containers: kept apart from kedge's so no agent ever sees them. */
export const bareNamespace = 'kedge-bench';

export interface BenchContainerd {
  address: string;
  image: string;
  tarball: string;
  ctr(namespace: string, args: string[], timeoutMs?: number): { code: number; stdout: string; stderr: string };
  /** Kills and removes every task and container of the namespace. */
  clear(namespace: string): void;
  stop(): Promise<void>;
}

export function containerdUnavailable(): string | null {
  return containerdSkipReason();
}

export async function startBenchContainerd(dir: string, log: (m: string) => void): Promise<BenchContainerd> {
  const h: TestContainerd = await startTestContainerd(join(dir, 'containerd-root'), log);
  const ctr = (namespace: string, args: string[], timeoutMs = 60_000) => {
    const r = spawnSync('ctr', ['-a', h.address, '-n', namespace, ...args], { encoding: 'utf8', timeout: timeoutMs });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const tarball = join(dir, 'busybox-test.tar');
  const image = await buildTestImage({ outFile: tarball });
  for (const ns of ['kedge', bareNamespace]) {
    const r = ctr(ns, ['images', 'import', tarball], 120_000);
    if (r.code !== 0) throw new Error(`importing the test image into containerd namespace ${ns}: ${r.stderr}`);
  }
  const clear = (namespace: string) => {
    const ids = ctr(namespace, ['containers', 'ls', '-q']).stdout.split('\n').filter(Boolean);
    for (const id of ids) ctr(namespace, ['tasks', 'kill', '-a', '-s', 'SIGKILL', id]);
    for (const id of ids) ctr(namespace, ['tasks', 'rm', '-f', id]);
    for (const id of ids) ctr(namespace, ['containers', 'rm', id]);
  };
  return {
    address: h.address,
    image: image ?? defaultTestImage,
    tarball,
    ctr,
    clear,
    async stop() {
      clear(bareNamespace);
      await h.cleanup(['kedge', bareNamespace]);
    },
  };
}
