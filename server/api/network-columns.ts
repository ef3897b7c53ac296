/** kubectl's columns for Services, Endpoints and EndpointSlices, as Kubernetes' server-side printers define them. */
import { formatAge } from '../../shared/age.js';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import type { Service } from '../../shared/service.js';
import type { ColumnDefinition } from '../../shared/table.js';
import type { KindColumns } from './table-columns.js';

const none = '<none>';
const col = (name: string, description: string, priority = 0, format = ''): ColumnDefinition => ({ name, type: 'string', format, description, priority });
const nameCol = col('Name', 'Name must be unique within a namespace.', 0, 'name');
const ageCol = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

/** At most three entries, then how many more, as kubectl prints lists. */
function listWithMore(list: string[], count: number, empty: string): string {
  const shown = list.slice(0, 3).join(',');
  if (count > 3) return `${shown} + ${count - 3} more...`;
  return shown === '' ? empty : shown;
}

function externalIP(s: Service): string {
  const spec = s.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ExternalName':
      return spec.externalName ?? none;
    case 'LoadBalancer': {
      const ingress = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
      const all = [...ingress, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    default:
      return external.length ? external.join(',') : none;
  }
}

function portsText(s: Service): string {
  const ports = s.spec?.ports ?? [];
  if (!ports.length) return none;
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function selectorText(s: Service): string {
  const sel = Object.entries(s.spec?.selector ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return sel.length ? sel.map(([k, v]) => `${k}=${v}`).join(',') : none;
}

/** Ready addresses times ports, "ip:port" (headless Services without ports: the address alone). */
export function endpointsText(e: Endpoints): string {
  if (!e.subsets?.length) return none;
  const list: string[] = [];
  let count = 0;
  for (const ss of e.subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      list.push(...addrs.map((a) => a.ip));
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      list.push(...addrs.map((a) => `${a.ip.includes(':') ? `[${a.ip}]` : a.ip}:${p.port}`));
    }
  }
  return listWithMore(list, count, '');
}

export const networkColumns: Record<string, KindColumns> = {
  Service: {
    columns: [
      nameCol,
      col('Type', 'The type of the service.'),
      col('Cluster-IP', 'The IP address of the service.'),
      col('External-IP', 'The external IP address of the service.'),
      col('Port(s)', 'The ports of the service.'),
      ageCol,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells(o, now) {
      const s = o as Service;
      return [s.metadata.name ?? '', s.spec?.type ?? 'ClusterIP', s.spec?.clusterIPs?.[0] ?? s.spec?.clusterIP ?? none, externalIP(s), portsText(s), formatAge(s.metadata.creationTimestamp, now), selectorText(s)];
    },
  },
  Endpoints: {
    columns: [nameCol, col('Endpoints', 'Endpoints of the service.'), ageCol],
    cells: (o, now) => [o.metadata.name ?? '', endpointsText(o as Endpoints), formatAge(o.metadata.creationTimestamp, now)],
  },
  EndpointSlice: {
    columns: [nameCol, col('AddressType', 'The type of addresses in this slice.'), col('Ports', 'The ports of the endpoints in this slice.'), col('Endpoints', 'The addresses of the endpoints in this slice.'), ageCol],
    cells(o, now) {
      const e = o as EndpointSlice;
      const ports = (e.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name ?? '*'));
      const addresses = (e.endpoints ?? []).flatMap((x) => x.addresses ?? []);
      return [e.metadata.name ?? '', e.addressType, listWithMore(ports, ports.length, '<unset>'), listWithMore(addresses, addresses.length, '<unset>'), formatAge(e.metadata.creationTimestamp, now)];
    },
  },
};
