import type { Container, Pod, PodSpec } from '../../../shared/pod.js';
import type { RuntimeDriver } from '../../runtime/driver.js';
import type { LogPathParts, SpecContext } from '../spec.js';

/** Test fixtures for the reconciler's tests: pods and a spec context with simple, visible rules. */
export function testPod(name: string, o: { uid?: string; containers?: Partial<Container>[]; spec?: Partial<PodSpec>; namespace?: string } = {}): Pod {
  const containers = (o.containers ?? [{}]).map((c, i) => ({ name: c.name ?? `c${i}`, image: c.image ?? 'busybox:1.36', ...c }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: o.uid ?? `uid-${name}` },
    spec: { containers, ...o.spec },
  };
}

export const testLogPath = (p: LogPathParts) => `/logs/${p.namespace}_${p.pod}_${p.uid}/${p.container}/${p.restartCount}.log`;

/** Unqualified names get a docker.io/library/ prefix, like the real normalizer, so tests see the difference; upper case is refused. */
export const testNormalize = (ref: string) => {
  if (ref !== ref.toLowerCase()) throw new Error(`image "${ref}" is not a valid image reference: repository names must be lowercase`);
  return ref.includes('/') ? ref : `docker.io/library/${ref}`;
};

export const testSpecContext = (nodeName = 'edge-1'): SpecContext => ({ nodeName, normalizeImage: testNormalize, logPath: testLogPath });

/** What every reconciler loop test passes: its driver and clock, node edge-1, the rules above, a fixed host IP. */
export const testLoopOptions = (driver: RuntimeDriver, now: () => number) => ({
  driver,
  nodeName: 'edge-1',
  normalizeImage: testNormalize,
  logPath: testLogPath,
  hostIP: () => '192.168.1.5',
  now,
});
