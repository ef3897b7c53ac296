/** The node's network as `ip -j` and `bridge -j` report it, reduced to what the plan is compared with. */
import { z } from 'zod';
import { KedgeError } from '../../../shared/errors.js';
import { isKedgeInterface } from './devices.js';
import { formatRange, parseIpv4, parseRange } from './ipv4.js';

export interface HostLink {
  name: string;
  kind?: string;
  mtu: number;
  mac?: string;
  up: boolean;
  /** IPv4 addresses as address/prefix. */
  addresses: string[];
  vxlan?: { vni?: number; port?: number; local?: string; learning?: boolean };
}

export interface HostRoute {
  type: string;
  dst: string;
  via?: string;
  dev?: string;
  onlink: boolean;
  src?: string;
}

export interface HostNeighbour {
  ip: string;
  mac?: string;
  permanent: boolean;
}

export interface HostFdb {
  mac: string;
  dst?: string;
}

/** What kedge compares its plan with. */
export interface HostNetwork {
  links: HostLink[];
  /** Routes of the main table carrying kedge's protocol number. */
  routes: HostRoute[];
  /** Neighbour and forwarding entries on the tunnel device (empty without it). */
  neighbours: HostNeighbour[];
  fdb: HostFdb[];
}

const linkSchema = z.object({
  ifname: z.string(),
  flags: z.array(z.string()).optional(),
  mtu: z.number(),
  address: z.string().optional(),
  linkinfo: z
    .object({
      info_kind: z.string().optional(),
      info_data: z.object({ id: z.number().optional(), port: z.number().optional(), local: z.string().optional(), learning: z.boolean().optional() }).optional(),
    })
    .optional(),
  addr_info: z.array(z.object({ family: z.string().optional(), local: z.string().optional(), prefixlen: z.number().optional() })).optional(),
});

const routeSchema = z.object({
  type: z.string().optional(),
  dst: z.string(),
  gateway: z.string().optional(),
  dev: z.string().optional(),
  prefsrc: z.string().optional(),
  flags: z.array(z.string()).optional(),
});

const neighbourSchema = z.object({ dst: z.string(), lladdr: z.string().optional(), state: z.array(z.string()).optional() });
const fdbSchema = z.object({ mac: z.string(), dst: z.string().optional() });

function parseJson<T>(schema: z.ZodType<T>, text: string, command: string): T[] {
  // ip prints nothing at all (not "[]") for some empty listings.
  if (!text.trim()) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new KedgeError('InternalError', `\`${command}\` printed something that is not JSON (${(e as Error).message})`, { cause: e });
  }
  const r = z.array(schema).safeParse(json);
  if (!r.success) throw new KedgeError('InternalError', `\`${command}\` printed JSON of an unexpected shape: ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

/** `ip -j -d addr show`. */
export function parseLinks(text: string): HostLink[] {
  return parseJson(linkSchema, text, 'ip -j -d addr show').map((l) => {
    const data = l.linkinfo?.info_data;
    return {
      name: l.ifname,
      ...(l.linkinfo?.info_kind ? { kind: l.linkinfo.info_kind } : {}),
      mtu: l.mtu,
      ...(l.address ? { mac: l.address.toLowerCase() } : {}),
      up: l.flags?.includes('UP') ?? false,
      addresses: (l.addr_info ?? []).filter((a) => a.family === 'inet' && a.local && a.prefixlen !== undefined).map((a) => `${a.local}/${a.prefixlen}`),
      ...(l.linkinfo?.info_kind === 'vxlan' && data ? { vxlan: { vni: data.id, port: data.port, local: data.local, learning: data.learning } } : {}),
    };
  });
}

/** `ip -j route show proto <kedge>`: ip leaves out a /32's prefix and calls the default route "default". */
export function parseRoutes(text: string): HostRoute[] {
  return parseJson(routeSchema, text, 'ip -j route show').map((r) => ({
    type: r.type ?? 'unicast',
    dst: r.dst === 'default' ? '0.0.0.0/0' : r.dst.includes('/') ? r.dst : `${r.dst}/32`,
    ...(r.gateway ? { via: r.gateway } : {}),
    ...(r.dev ? { dev: r.dev } : {}),
    onlink: r.flags?.includes('onlink') ?? false,
    ...(r.prefsrc ? { src: r.prefsrc } : {}),
  }));
}

/** `ip -j neigh show dev <tunnel>`. */
export function parseNeighbours(text: string): HostNeighbour[] {
  return parseJson(neighbourSchema, text, 'ip -j neigh show').map((n) => ({
    ip: n.dst,
    ...(n.lladdr ? { mac: n.lladdr.toLowerCase() } : {}),
    permanent: n.state?.includes('PERMANENT') ?? false,
  }));
}

/** `bridge -j fdb show dev <tunnel>`. */
export function parseFdb(text: string): HostFdb[] {
  return parseJson(fdbSchema, text, 'bridge -j fdb show').map((f) => ({ mac: f.mac.toLowerCase(), ...(f.dst ? { dst: f.dst } : {}) }));
}

/** The subnets directly connected to the node's own interfaces (kedge's left out). */
export function connectedSubnets(links: HostLink[]): string[] {
  const out: string[] = [];
  for (const l of links) {
    if (isKedgeInterface(l.name) || l.name === 'lo') continue;
    for (const a of l.addresses) {
      const r = parseRange(a);
      if (r && r.prefix < 32) out.push(formatRange(r));
    }
  }
  return [...new Set(out)];
}

/** The MTU of the interface holding `ip`, or undefined when no interface has it. */
export function mtuOf(links: HostLink[], ip: string): number | undefined {
  if (parseIpv4(ip) === null) return undefined;
  return links.find((l) => l.addresses.some((a) => a.split('/')[0] === ip))?.mtu;
}
