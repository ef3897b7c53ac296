import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import { cpuMillis, memoryBytes } from '../../shared/quantity.js';

export interface Resources {
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
}

/** What a pod asks for: the sum of its containers' requests (limits stand in when requests are absent, as in Kubernetes). */
export function podRequests(pod: Pod): Resources {
  let cpu = 0;
  let mem = 0;
  for (const c of pod.spec.containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    cpu += cpuMillis(req.cpu ?? lim.cpu);
    mem += memoryBytes(req.memory ?? lim.memory);
  }
  return { cpuMillis: cpu, memoryBytes: mem, pods: 1 };
}

export function nodeAllocatable(node: Node): Resources {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    cpuMillis: cpuMillis(a.cpu ?? '0'),
    memoryBytes: memoryBytes(a.memory ?? '0'),
    pods: Number(a.pods ?? 110),
  };
}

export function addResources(a: Resources, b: Resources): Resources {
  return { cpuMillis: a.cpuMillis + b.cpuMillis, memoryBytes: a.memoryBytes + b.memoryBytes, pods: a.pods + b.pods };
}

export const noResources: Resources = { cpuMillis: 0, memoryBytes: 0, pods: 0 };
