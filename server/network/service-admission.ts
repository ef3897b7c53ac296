/**
 * What a Service becomes before it is stored: Kubernetes' defaults, the values kept from the stored
 * Service on update, its ClusterIP and NodePorts allocated, and 422s naming the field when a value
 * asked for is taken or out of range. Run it inside the store transaction that writes the Service
 * (store.batch): the store's claims refuse a value taken meanwhile, in that same transaction.
 */
import { cidrContains, cidrSize, parseCidr, parseIPv4 } from '../../shared/cidr.js';
import type { Service } from '../../shared/service.js';
import type { Store } from '../store/types.js';
import { pickAddress, pickPort } from './allocator.js';
import { isServiceLb, lbPortValue, pools } from './claims.js';
import type { NetworkSettings } from './settings.js';
import { checkService, defaultService, isHeadless, needsNodePorts, serviceInvalid, typeOf } from './service-spec.js';

export interface ServiceAdmissionContext {
  settings: NetworkSettings;
  claims: Store['claims'];
  random?: () => number;
}

export function admitService(input: Service, existing: Service | undefined, ctx: ServiceAdmissionContext): Service {
  let s = defaultService(input);
  if (existing) s = keepAllocated(s, existing);
  checkService(s);
  s = withClusterIP(s, ctx);
  s = withNodePorts(s, ctx);
  checkLoadBalancerPorts(s, ctx);
  return s;
}

const samePort = (a: { port: number; protocol?: string }, b: { port: number; protocol?: string }) => a.port === b.port && (a.protocol ?? 'TCP') === (b.protocol ?? 'TCP');

/**
 * On update, as Kubernetes: an omitted clusterIP or nodePort keeps the stored one; a type that no
 * longer needs them drops the unchanged ones (so they are freed); a changed clusterIP is refused.
 */
function keepAllocated(s: Service, old: Service): Service {
  const spec = { ...s.spec! };
  const oldSpec = old.spec ?? {};
  if (typeOf(s) === 'ExternalName') {
    if (!spec.clusterIP || spec.clusterIP === oldSpec.clusterIP) {
      for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy'] as const) delete spec[k];
    }
  } else if (oldSpec.clusterIP) {
    if (!spec.clusterIP) {
      spec.clusterIP = oldSpec.clusterIP;
      spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
    } else if (spec.clusterIP !== oldSpec.clusterIP) {
      throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "${spec.clusterIP}": field is immutable`);
    }
  }
  const keep = needsNodePorts({ ...s, spec });
  spec.ports = spec.ports?.map((p) => {
    const before = oldSpec.ports?.find((o) => samePort(o, p))?.nodePort;
    if (keep && p.nodePort === undefined && before !== undefined) return { ...p, nodePort: before };
    if (!keep && p.nodePort !== undefined && p.nodePort === before) {
      const { nodePort: _dropped, ...rest } = p;
      return rest;
    }
    return p;
  });
  return { ...s, spec };
}

function heldByOther(s: Service, claims: Store['claims'], pool: string, value: string): string | undefined {
  const h = claims.holder(pool, value);
  if (!h || (h.kind === 'Service' && h.namespace === (s.metadata.namespace ?? '') && h.name === s.metadata.name)) return undefined;
  return h.namespace ? `${h.namespace}/${h.name}` : h.name;
}

function withClusterIP(s: Service, ctx: ServiceAdmissionContext): Service {
  if (typeOf(s) === 'ExternalName') return s;
  const spec = { ...s.spec! };
  if (isHeadless(s)) return { ...s, spec: { ...spec, clusterIPs: ['None'] } };
  const range = parseCidr(ctx.settings.serviceCIDR)!;
  const asked = spec.clusterIP;
  if (asked) {
    const ip = parseIPv4(asked);
    if (ip === undefined) throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "${asked}": must be a valid IPv4 address (e.g. 10.43.0.20) or None`);
    const offset = ip - range.base;
    if (!cidrContains(range, ip) || offset === 0 || offset === cidrSize(range) - 1) {
      throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "${asked}": provided IP is not in the valid range. The range of valid IPs is ${ctx.settings.serviceCIDR}`);
    }
    if (asked === ctx.settings.clusterDNS) throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "${asked}": provided IP is the cluster DNS address, which every node answers itself`);
    if (heldByOther(s, ctx.claims, pools.clusterIP, asked) !== undefined) throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "${asked}": provided IP is already allocated`);
    return { ...s, spec: { ...spec, clusterIPs: [asked] } };
  }
  const picked = pickAddress(range, new Set(ctx.claims.values(pools.clusterIP)), ctx.random ?? Math.random, new Set([ctx.settings.clusterDNS]));
  if (!picked) throw serviceInvalid(s, 'spec.clusterIP', `Invalid value: "": no free address left in the service range ${ctx.settings.serviceCIDR}`);
  return { ...s, spec: { ...spec, clusterIP: picked, clusterIPs: [picked] } };
}

function withNodePorts(s: Service, ctx: ServiceAdmissionContext): Service {
  if (!needsNodePorts(s)) return s;
  const { min, max } = ctx.settings.nodePortRange;
  const taken = new Set(ctx.claims.values(pools.nodePort).map(Number));
  const ports = s.spec!.ports ?? [];
  const asked = new Set<number>();
  const askedWithProtocol = new Set<string>();
  const out = ports.map((p, i) => {
    if (p.nodePort === undefined) return undefined;
    const field = `spec.ports[${i}].nodePort`;
    if (p.nodePort < min || p.nodePort > max) {
      throw serviceInvalid(s, field, `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${min}-${max}`);
    }
    if (heldByOther(s, ctx.claims, pools.nodePort, String(p.nodePort)) !== undefined) throw serviceInvalid(s, field, `Invalid value: ${p.nodePort}: provided port is already allocated`);
    // One NodePort may serve a TCP and a UDP port of the same Service, not two of one protocol.
    const key = `${p.nodePort}/${p.protocol ?? 'TCP'}`;
    if (askedWithProtocol.has(key)) throw serviceInvalid(s, field, `Duplicate value: ${p.nodePort}`, 'FieldValueDuplicate');
    askedWithProtocol.add(key);
    asked.add(p.nodePort);
    return p;
  });
  // Asked-for ports first, so that allocation never hands out one that a later port asks for.
  const used = new Set([...taken, ...asked]);
  const filled = out.map((p, i) => {
    if (p) return p;
    const port = pickPort({ min, max }, used, ctx.random ?? Math.random);
    if (port === undefined) throw serviceInvalid(s, `spec.ports[${i}].nodePort`, `Invalid value: 0: no free port left in the range ${min}-${max}`);
    used.add(port);
    return { ...ports[i]!, nodePort: port };
  });
  return { ...s, spec: { ...s.spec, ports: filled } };
}

function checkLoadBalancerPorts(s: Service, ctx: ServiceAdmissionContext): void {
  if (!isServiceLb(s)) return;
  (s.spec?.ports ?? []).forEach((p, i) => {
    const other = heldByOther(s, ctx.claims, pools.loadBalancerPort, lbPortValue(p.port, p.protocol));
    if (other !== undefined) {
      throw serviceInvalid(s, `spec.ports[${i}].port`, `Invalid value: ${p.port}: port ${lbPortValue(p.port, p.protocol)} is already used by LoadBalancer Service ${other}`);
    }
  });
}
