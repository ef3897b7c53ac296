import { Hono } from 'hono';
import { kinds, type KindInfo } from '../../shared/kinds.js';
import { kubeVersion } from '../../shared/version.js';
import { reviewResources } from './access-review.js';

const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** What `kubectl get all` expands to, as in Kubernetes. */
const inCategoryAll = new Set(['Pod', 'Service', 'Deployment', 'ReplicaSet', 'DaemonSet']);

interface Subresource {
  name: string;
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** The subresources kedge serves per kind: status for all; scale (server/api/scale.ts); pods/log (server/api/pod-logs.ts). */
export function subresourcesOf(k: KindInfo): Subresource[] {
  const own = { group: k.group, version: k.version, kind: k.kind };
  return [
    { name: 'status', ...own, verbs: ['get', 'patch', 'update'] },
    // kubectl scale finds the Scale kind through this entry.
    ...(k.kind === 'Deployment' || k.kind === 'ReplicaSet' ? [{ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] }] : []),
    ...(k.kind === 'Pod' ? [{ name: 'log', ...own, verbs: ['get'] }] : []),
  ];
}

/** A resource as discovery shows it: a stored kind (shared/kinds.ts) or a review, which is only ever created. */
interface Served extends Pick<KindInfo, 'group' | 'version' | 'kind' | 'plural' | 'singular' | 'shortNames' | 'namespaced'> {
  verbs: string[];
  subresources: Subresource[];
  categories?: string[];
}

function served(): Served[] {
  return [
    ...kinds.map((k) => ({ ...k, verbs, subresources: subresourcesOf(k), ...(inCategoryAll.has(k.kind) ? { categories: ['all'] } : {}) })),
    ...reviewResources.map((r) => ({ ...r, shortNames: [], namespaced: false, verbs: ['create'], subresources: [] })),
  ];
}

/** An APIResourceList for one group/version, as `kubectl api-resources` and discovery clients read it. */
export function resourceList(groupVersion: string, of: Served[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: of.flatMap((k) => [
      { name: k.plural, singularName: k.singular, namespaced: k.namespaced, kind: k.kind, verbs: k.verbs, shortNames: k.shortNames, ...(k.categories ? { categories: k.categories } : {}) },
      ...k.subresources.map((s) => ({
        name: `${k.plural}/${s.name}`,
        singularName: '',
        namespaced: k.namespaced,
        ...(s.group !== k.group || s.version !== k.version ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      })),
    ]),
  };
}

/**
 * Aggregated discovery (apidiscovery.k8s.io, what kubectl 1.26+ asks /api and /apis for): every
 * group, version and resource in one answer instead of one request per group version.
 */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1') {
  const of = served().filter((k) => (k.group === '') === core);
  const groupNames = [...new Set(of.map((k) => k.group))];
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groupNames.map((group) => ({
      metadata: group ? { name: group } : {},
      versions: [...new Set(of.filter((k) => k.group === group).map((k) => k.version))].map((v) => ({
        version: v,
        freshness: 'Current',
        resources: of
          .filter((k) => k.group === group && k.version === v)
          .map((k) => ({
            resource: k.plural,
            responseKind: { group: k.group, version: k.version, kind: k.kind },
            scope: k.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: k.singular,
            verbs: k.verbs,
            ...(k.shortNames.length ? { shortNames: k.shortNames } : {}),
            ...(k.categories ? { categories: k.categories } : {}),
            subresources: k.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs })),
          })),
      })),
    })),
  };
}

/** The aggregated discovery version the Accept header asks for, if any (first acceptable range wins). */
export function aggregatedVersion(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((x) => x.trim()) as [string, string]));
    if (type !== 'application/json' && type !== '*/*') continue;
    if (p.as === undefined) return undefined;
    if (p.as === 'APIGroupDiscoveryList' && p.g === 'apidiscovery.k8s.io' && (p.v === 'v2' || p.v === 'v2beta1')) return p.v;
  }
  return undefined;
}

function groups() {
  const all = served();
  const names = [...new Set(all.filter((k) => k.group !== '').map((k) => k.group))];
  return names.map((name) => {
    const versions = [...new Set(all.filter((k) => k.group === name).map((k) => k.version))].map((version) => ({ groupVersion: `${name}/${version}`, version }));
    return { name, versions, preferredVersion: versions[0]! };
  });
}

/** Kubernetes' goarch names for Node's process.arch values. */
const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function versionInfo() {
  return {
    ...kubeVersion,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'kedge',
    platform: `${process.platform}/${goArch[process.arch] ?? process.arch}`,
  };
}

/** /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}: all derived from shared/kinds.ts and the reviews. */
export function discoveryRoutes(): Hono {
  const app = new Hono();
  app.get('/version', (c) => c.json(versionInfo()));
  // Aggregated discovery when asked for; otherwise the legacy documents, one request per group version.
  for (const [path, core] of [['/api', true], ['/apis', false]] as const) {
    app.get(path, (c, next) => {
      const v = aggregatedVersion(c.req.header('accept'));
      if (!v) return next();
      c.header('Vary', 'Accept');
      return c.body(JSON.stringify(aggregatedDiscovery(core, v)), 200, { 'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList` });
    });
  }
  app.get('/api', (c) => {
    const versions = [...new Set(kinds.filter((k) => k.group === '').map((k) => k.version))];
    const host = c.req.header('host') ?? '';
    return c.json({ kind: 'APIVersions', versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] });
  });
  app.get('/apis', (c) => c.json({ kind: 'APIGroupList', apiVersion: 'v1', groups: groups() }));
  app.get('/api/:version', (c, next) => {
    const of = served().filter((k) => k.group === '' && k.version === c.req.param('version'));
    return of.length ? c.json(resourceList(c.req.param('version'), of)) : next();
  });
  app.get('/apis/:group', (c, next) => {
    const g = groups().find((x) => x.name === c.req.param('group'));
    return g ? c.json({ kind: 'APIGroup', apiVersion: 'v1', ...g }) : next();
  });
  app.get('/apis/:group/:version', (c, next) => {
    const { group, version } = c.req.param();
    const of = served().filter((k) => k.group === group && k.version === version);
    return of.length ? c.json(resourceList(`${group}/${version}`, of)) : next();
  });
  return app;
}
