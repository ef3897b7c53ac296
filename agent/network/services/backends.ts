/** Which endpoints of a Service port this node sends traffic to. */
import type { ServiceRoute } from '../../../shared/cluster-network.js';
import type { LocalPod } from '../types.js';
import { ipv4Number, isIPv4 } from './addresses.js';

/** An endpoint this node may DNAT to. */
export interface Backend {
  ip: string;
  port: number;
  /** On this node: the only ones traffic policy Local uses. */
  local: boolean;
}

export interface NodeView {
  nodeName: string;
  /** This node's pods on the pod network by uid, as the agent knows them now. */
  localPods: ReadonlyMap<string, LocalPod>;
}

/**
 * Ready endpoints of one Service port. For its own pods the node trusts itself, not the server's last
 * word: a local pod that is gone or unready is left out at once (and a ready one is used at once).
 */
export function backendsOf(svc: ServiceRoute, portName: string, view: NodeView, problems: string[]): Backend[] {
  const anyReadiness = svc.publishNotReadyAddresses === true;
  const seen = new Set<string>();
  const out: Backend[] = [];
  for (const ep of svc.endpoints) {
    const port = ep.ports[portName];
    if (port === undefined) continue;
    if (!isIPv4(ep.ip)) {
      problems.push(`service ${svc.namespace}/${svc.name}: endpoint ip "${ep.ip}" is not an IPv4 address; left out`);
      continue;
    }
    const local = ep.nodeName === view.nodeName;
    let ready = ep.ready;
    if (local && ep.podUID !== undefined) {
      const pod = view.localPods.get(ep.podUID);
      if (pod === undefined) continue;
      ready = pod.ready;
    }
    if (!ready && !anyReadiness) continue;
    const id = `${ep.ip}:${port}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ ip: ep.ip, port, local });
  }
  if (out.length < 2) return out;
  const order = new Map(out.map((b) => [b, ipv4Number(b.ip) * 65536 + b.port]));
  return out.sort((a, b) => order.get(a)! - order.get(b)!);
}
