import { arch } from 'node:os';

const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** Node's os.arch() in Kubernetes' (Go's) words, as used by the kubernetes.io/arch label. */
export function nodeArch(a: string = arch()): string {
  return goArch[a] ?? a;
}
