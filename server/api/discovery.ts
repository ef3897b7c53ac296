import { Hono } from 'hono';
import { kinds, type KindInfo } from '../../shared/kinds.js';
import { kubeVersion } from '../../shared/version.js';

const verbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** An APIResourceList for one group/version, as `kubectl api-resources` and discovery clients read it. */
export function resourceList(groupVersion: string, of: KindInfo[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: of.flatMap((k) => [
      { name: k.plural, singularName: k.singular, namespaced: k.namespaced, kind: k.kind, verbs, shortNames: k.shortNames },
      { name: `${k.plural}/status`, singularName: '', namespaced: k.namespaced, kind: k.kind, verbs: ['get', 'patch', 'update'] },
    ]),
  };
}

function groups() {
  const names = [...new Set(kinds.filter((k) => k.group !== '').map((k) => k.group))];
  return names.map((name) => {
    const versions = [...new Set(kinds.filter((k) => k.group === name).map((k) => k.version))].map((version) => ({ groupVersion: `${name}/${version}`, version }));
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

/** /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}: all derived from shared/kinds.ts. */
export function discoveryRoutes(): Hono {
  const app = new Hono();
  app.get('/version', (c) => c.json(versionInfo()));
  app.get('/api', (c) => {
    const versions = [...new Set(kinds.filter((k) => k.group === '').map((k) => k.version))];
    const host = c.req.header('host') ?? '';
    return c.json({ kind: 'APIVersions', versions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] });
  });
  app.get('/apis', (c) => c.json({ kind: 'APIGroupList', apiVersion: 'v1', groups: groups() }));
  app.get('/api/:version', (c, next) => {
    const of = kinds.filter((k) => k.group === '' && k.version === c.req.param('version'));
    return of.length ? c.json(resourceList(c.req.param('version'), of)) : next();
  });
  app.get('/apis/:group', (c, next) => {
    const g = groups().find((x) => x.name === c.req.param('group'));
    return g ? c.json({ kind: 'APIGroup', apiVersion: 'v1', ...g }) : next();
  });
  app.get('/apis/:group/:version', (c, next) => {
    const { group, version } = c.req.param();
    const of = kinds.filter((k) => k.group === group && k.version === version);
    return of.length ? c.json(resourceList(`${group}/${version}`, of)) : next();
  });
  return app;
}
