import { isDeepStrictEqual } from 'node:util';
import { addressAt, formatIPv4, parseCidr } from '../../shared/cidr.js';
import type { EndpointSlice, Endpoints } from '../../shared/endpoints.js';
import { isKedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import type { Service } from '../../shared/service.js';
import { serviceNameLabel } from '../network/endpoints.js';
import { admitService } from '../network/service-admission.js';
import type { NetworkSettings } from '../network/settings.js';
import type { Store, StoreEvent } from '../store/types.js';
import { createWorkQueue } from './queue.js';

/** Where pods reach the API: the server's address and HTTPS port. */
export interface ApiEndpoint {
  ip: string;
  port: number;
}

const name = 'kubernetes';
const namespace = 'default';

/** The `kubernetes` Service, its Endpoints and its EndpointSlice, as the Kubernetes API server keeps them. */
export function kubernetesServiceObjects(network: NetworkSettings, api: ApiEndpoint): { service: Service; endpoints: Endpoints; slice: EndpointSlice } {
  const clusterIP = formatIPv4(addressAt(parseCidr(network.serviceCIDR)!, 1));
  const port = { name: 'https', port: api.port, protocol: 'TCP' as const };
  return {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: api.port }], sessionAffinity: 'None' },
    },
    endpoints: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets: [{ addresses: [{ ip: api.ip }], ports: [port] }] },
    slice: {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace, labels: { [serviceNameLabel]: name } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [api.ip], conditions: { ready: true, serving: true, terminating: false } }],
      ports: [port],
    },
  };
}

/**
 * Keeps the `kubernetes` Service in `default` (the service range's first address, 443 → the API)
 * and its endpoints (the server's address and port), putting them back when someone deletes or edits them.
 */
export function createKubernetesServiceController(deps: { store: Store; network: NetworkSettings; api: ApiEndpoint; log?: (msg: string) => void }) {
  const { store } = deps;
  const want = kubernetesServiceObjects(deps.network, deps.api);
  const queue = createWorkQueue({ name: 'kubernetes-service', reconcile: () => store.batch(reconcile), log: deps.log, delayMs: 20 });
  let reported = false;

  function reconcile() {
    const svc = store.get('Service', namespace, name) as Service | undefined;
    const ctx = { settings: deps.network, claims: store.claims };
    try {
      if (!svc) store.create(admitService(want.service, undefined, ctx));
      else if (!isDeepStrictEqual(svc.spec?.ports, want.service.spec!.ports)) store.update(admitService({ ...svc, spec: { ...svc.spec, ports: want.service.spec!.ports } }, svc, ctx));
      reported = false;
    } catch (e) {
      if (!isKedgeError(e, 'Invalid')) throw e;
      if (!reported) deps.log?.(`cannot keep the kubernetes Service: ${e.message}`);
      reported = true;
    }
    keep(want.endpoints, (cur) => isDeepStrictEqual((cur as Endpoints).subsets, want.endpoints.subsets));
    keep(want.slice, (cur) => {
      const s = cur as EndpointSlice;
      return isDeepStrictEqual([s.endpoints, s.ports, s.addressType, s.metadata.labels], [want.slice.endpoints, want.slice.ports, want.slice.addressType, want.slice.metadata.labels]);
    });
  }

  function keep(obj: KObject, same: (cur: KObject) => boolean) {
    const cur = store.get(obj.kind, namespace, name);
    if (!cur) store.create(obj);
    else if (!same(cur)) store.update({ ...cur, ...obj, metadata: { ...cur.metadata, labels: obj.metadata.labels } } as KObject);
  }

  return {
    onEvent(e: StoreEvent) {
      const o = e.object;
      if ((o.kind === 'Service' || o.kind === 'Endpoints' || o.kind === 'EndpointSlice') && o.metadata.name === name && o.metadata.namespace === namespace) queue.add(name);
    },
    resync: () => queue.add(name),
    idle: () => queue.idle(),
    stop: () => queue.stop(),
  };
}
