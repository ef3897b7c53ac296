import { isDeepStrictEqual } from 'node:util';
import type { EndpointSlice } from '../../shared/endpoints.js';
import type { Service } from '../../shared/service.js';
import { sliceMetadata, type SliceContent } from './endpoints.js';

/** What to write so that a Service's slices hold `contents`: existing slices are reused, so their names stay. */
export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: string[];
}

const portsKey = (ports: EndpointSlice['ports'] | undefined) => JSON.stringify(ports ?? []);
const byName = (a: EndpointSlice, b: EndpointSlice) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** Pairs each wanted slice with an existing one of the same ports (else any left over), then writes only what differs. */
export function planSlices(s: Service, contents: SliceContent[], existing: EndpointSlice[]): SlicePlan {
  const meta = sliceMetadata(s);
  const build = (c: SliceContent, base?: EndpointSlice): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: base ? { ...base.metadata, labels: meta.labels, ownerReferences: meta.ownerReferences } : { generateName: `${s.metadata.name}-`, ...meta },
    addressType: 'IPv4',
    endpoints: c.endpoints,
    ...(c.ports.length ? { ports: c.ports } : {}),
  });

  const free = new Map<string, EndpointSlice[]>();
  for (const e of [...existing].sort(byName)) free.set(portsKey(e.ports), [...(free.get(portsKey(e.ports)) ?? []), e]);
  const pairs: [SliceContent, EndpointSlice | undefined][] = [];
  const unmatched: SliceContent[] = [];
  for (const c of contents) {
    const e = free.get(portsKey(c.ports))?.shift();
    if (e) pairs.push([c, e]);
    else unmatched.push(c);
  }
  const leftovers = [...free.values()].flat().sort(byName);
  for (const c of unmatched) pairs.push([c, leftovers.shift()]);

  const plan: SlicePlan = { create: [], update: [], delete: leftovers.map((e) => e.metadata.name!) };
  for (const [c, e] of pairs) {
    if (!e) {
      plan.create.push(build(c));
      continue;
    }
    const next = build(c, e);
    const same = (x: EndpointSlice) => ({ addressType: x.addressType, endpoints: x.endpoints, ports: x.ports ?? [], labels: x.metadata.labels ?? {}, owners: x.metadata.ownerReferences ?? [] });
    if (!isDeepStrictEqual(same(next), same(e))) plan.update.push(next);
  }
  return plan;
}
