import { routeProtocol, vxlanDevice } from './devices.js';
import type { HostLink, HostNetwork, HostRoute } from './host-state.js';
import type { NodeRoutePlan, PlannedLink, PlannedRoute } from './plan.js';

/** What must change for the node's network to match the plan, as `ip`/`bridge` command lines in order. */
export interface NodeNetworkChanges {
  /** `ip -batch` lines run first: kedge's stale routes and the devices to remove or re-create. */
  remove: string[];
  /** Devices to create next, one at a time (a kernel without dummy devices gets a bridge instead). */
  create: PlannedLink[];
  /** `ip -batch` lines: addresses, MTU, up, routes and tunnel neighbours. */
  ip: string[];
  /** `bridge -batch` lines: the tunnel's forwarding entries. */
  bridge: string[];
}

/** kedge's devices that may have to go when the plan no longer has them (the bridge and the dummy always stay). */
const removable = [vxlanDevice];

/** `ip link add` arguments for a planned device. */
export function createLinkArgs(link: PlannedLink, kind: PlannedLink['kind'] = link.kind): string[] {
  const args = ['link', 'add', link.name];
  if (link.mac) args.push('address', link.mac);
  if (link.mtu !== undefined) args.push('mtu', String(link.mtu));
  args.push('type', kind);
  if (kind === 'vxlan' && link.vxlan) {
    args.push('id', String(link.vxlan.vni), 'dstport', String(link.vxlan.port), 'local', link.vxlan.local, 'nolearning');
  }
  return args;
}

function sameKind(planned: PlannedLink, actual: HostLink): boolean {
  // A kernel without dummy devices got a bridge with no ports instead, which routes the same way.
  return actual.kind === planned.kind || (planned.kind === 'dummy' && actual.kind === 'bridge');
}

function needsRecreate(planned: PlannedLink, actual: HostLink): boolean {
  if (!sameKind(planned, actual)) return true;
  if (planned.kind !== 'vxlan' || !planned.vxlan) return false;
  const v = actual.vxlan;
  return !v || v.vni !== planned.vxlan.vni || v.port !== planned.vxlan.port || v.local !== planned.vxlan.local || v.learning !== false || actual.mac !== planned.mac;
}

function routeArgs(r: PlannedRoute): string {
  const parts = [r.type === 'unreachable' ? 'unreachable' : '', r.dst];
  if (r.via) parts.push('via', r.via);
  if (r.dev) parts.push('dev', r.dev);
  if (r.onlink) parts.push('onlink');
  if (r.src) parts.push('src', r.src);
  parts.push('proto', String(routeProtocol));
  return parts.filter(Boolean).join(' ');
}

function routeMatches(planned: PlannedRoute, actual: HostRoute): boolean {
  return (
    actual.via === planned.via &&
    // host-gw leaves the device to the kernel
    (planned.dev === undefined || actual.dev === planned.dev) &&
    actual.onlink === (planned.onlink ?? false) &&
    actual.src === planned.src
  );
}

const routeKey = (r: { type: string; dst: string }) => `${r.type} ${r.dst}`;

/** Compares the plan with the node's network; an empty result means nothing to do. */
export function planChanges(plan: NodeRoutePlan, host: HostNetwork): NodeNetworkChanges {
  const changes: NodeNetworkChanges = { remove: [], create: [], ip: [], bridge: [] };
  const planned = new Set(plan.links.map((l) => l.name));
  const fresh = new Set<string>();

  const plannedRoutes = new Set(plan.routes.map(routeKey));
  for (const r of host.routes) {
    if (!plannedRoutes.has(routeKey(r))) changes.remove.push(`route del ${r.type === 'unreachable' ? 'unreachable ' : ''}${r.dst} proto ${routeProtocol}`);
  }
  for (const name of removable) {
    if (!planned.has(name) && host.links.some((l) => l.name === name)) changes.remove.push(`link del ${name}`);
  }

  for (const link of plan.links) {
    let actual = host.links.find((l) => l.name === link.name);
    if (actual && needsRecreate(link, actual)) {
      changes.remove.push(`link del ${link.name}`);
      actual = undefined;
    }
    if (!actual) {
      changes.create.push(link);
      fresh.add(link.name);
      actual = { name: link.name, kind: link.kind, mtu: link.mtu ?? 0, up: false, addresses: [] };
    }
    for (const a of link.addresses) if (!actual.addresses.includes(a)) changes.ip.push(`address replace ${a} dev ${link.name}`);
    for (const a of actual.addresses) if (!link.addresses.includes(a)) changes.ip.push(`address del ${a} dev ${link.name}`);
    // The CNI bridge plugin and its pods' veths own the bridge's MTU once it exists.
    if (link.mtu !== undefined && link.kind !== 'bridge' && actual.mtu !== link.mtu) changes.ip.push(`link set dev ${link.name} mtu ${link.mtu}`);
    if (!actual.up) changes.ip.push(`link set dev ${link.name} up`);
  }

  for (const r of plan.routes) {
    const actual = host.routes.find((a) => routeKey(a) === routeKey(r));
    if (!actual || !routeMatches(r, actual) || (r.dev && fresh.has(r.dev))) changes.ip.push(`route replace ${routeArgs(r)}`);
  }

  // A tunnel that goes or is made anew takes its entries with it.
  const tunnelKept = planned.has(vxlanDevice) && !fresh.has(vxlanDevice);
  const neighbours = tunnelKept ? host.neighbours.filter((n) => n.permanent) : [];
  for (const n of plan.neighbours) {
    if (!neighbours.some((a) => a.ip === n.ip && a.mac === n.mac)) changes.ip.push(`neigh replace ${n.ip} lladdr ${n.mac} dev ${n.dev} nud permanent`);
  }
  for (const a of neighbours) {
    if (!plan.neighbours.some((n) => n.ip === a.ip)) changes.ip.push(`neigh del ${a.ip} dev ${vxlanDevice}`);
  }

  // Only entries with a remote are the tunnel's; multicast entries of the device itself have none.
  const fdb = tunnelKept ? host.fdb.filter((f) => f.dst) : [];
  for (const f of plan.fdb) {
    if (!fdb.some((a) => a.mac === f.mac && a.dst === f.dst)) changes.bridge.push(`fdb replace ${f.mac} dev ${f.dev} dst ${f.dst} self permanent`);
  }
  for (const a of fdb) {
    if (!plan.fdb.some((f) => f.mac === a.mac)) changes.bridge.push(`fdb del ${a.mac} dev ${vxlanDevice} dst ${a.dst} self`);
  }
  return changes;
}

export function isEmpty(c: NodeNetworkChanges): boolean {
  return c.remove.length + c.create.length + c.ip.length + c.bridge.length === 0;
}
