/**
 * OpenAPI, as much as kubectl needs: validation by the server, explain, and apply's patches.
 *
 * kubectl 1.27+ asks /openapi/v3 whether the PATCH operation of a kind takes ?fieldValidation=;
 * when it does, kubectl leaves validation to the server (Strict), which is what kedge does.
 * `kubectl explain` reads each kind's component schema (openapi-schemas.ts), found by its
 * x-kubernetes-group-version-kind. `kubectl apply` would compute its strategic merge patches from
 * those schemas if the PATCH operations listed that patch type; they do not (the server still
 * takes it), because the schemas leave out the Kubernetes fields kedge accepts and ignores, on
 * which kubectl's lookup fails. kubectl then uses its built-in Kubernetes types, whose merge keys
 * are the ones kedge applies (server/api/strategic-merge.ts). Older kubectl reads /openapi/v2
 * (protobuf): an empty document there means "no client-side schema", so it sends the object and
 * the server validates it.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { kinds, type KindInfo } from '../../shared/kinds.js';
import { kubeVersion } from '../../shared/version.js';
import { kindSchema, schemaName } from './openapi-schemas.js';

type Json = Record<string, unknown>;

/** Strategic merge patches are served but not listed (see above). */
const patchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];

const query = (name: string, description: string, type = 'string'): Json => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const dryRunParam = query('dryRun', 'When present, indicates that modifications should not be persisted. The only valid value is All: the request is checked and answered as if it were carried out, and nothing is stored.');
const writeParams = [
  dryRunParam,
  query('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  query('fieldValidation', 'How the server treats unknown fields: Ignore, Warn (the default) or Strict.'),
];
const ok = { '200': { description: 'OK' } };
const created = { '200': { description: 'OK' }, '201': { description: 'Created' } };

function gvk(k: KindInfo): Json {
  return { group: k.group, version: k.version, kind: k.kind };
}

function op(k: KindInfo, action: string, description: string, extra: Json = {}): Json {
  return { description, 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk(k), responses: ok, ...extra };
}

function patchOp(k: KindInfo, what: string): Json {
  const content = Object.fromEntries(patchTypes.map((t) => [t, { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } }]));
  return op(k, 'patch', `partially update ${what}`, {
    parameters: [...writeParams, query('force', 'Force is going to "force" Apply requests (kedge applies without field ownership).', 'boolean')],
    requestBody: { required: true, content },
  });
}

/** The paths of one kind, as the Kubernetes API server names them. */
function kindPaths(k: KindInfo): Record<string, Json> {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  const scope = k.namespaced ? `${base}/namespaces/{namespace}/${k.plural}` : `${base}/${k.plural}`;
  const nsParam = k.namespaced ? [{ name: 'namespace', in: 'path', required: true, description: 'object name and auth scope, such as for teams and projects', schema: { type: 'string', uniqueItems: true } }] : [];
  const nameParam = { name: 'name', in: 'path', required: true, description: `name of the ${k.kind}`, schema: { type: 'string', uniqueItems: true } };
  const body = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(k)}` } } } };
  const paths: Record<string, Json> = {
    [scope]: {
      get: op(k, 'list', `list or watch objects of kind ${k.kind}`),
      post: op(k, 'post', `create a ${k.kind}`, { parameters: writeParams, requestBody: body, responses: created }),
      parameters: nsParam,
    },
    [`${scope}/{name}`]: {
      get: op(k, 'get', `read the specified ${k.kind}`),
      put: op(k, 'put', `replace the specified ${k.kind}`, { parameters: writeParams, requestBody: body, responses: created }),
      patch: patchOp(k, `the specified ${k.kind}`),
      delete: op(k, 'delete', `delete a ${k.kind}`, { parameters: [dryRunParam] }),
      parameters: [nameParam, ...nsParam],
    },
    [`${scope}/{name}/status`]: {
      get: op(k, 'get', `read status of the specified ${k.kind}`),
      put: op(k, 'put', `replace status of the specified ${k.kind}`, { parameters: writeParams, requestBody: body, responses: created }),
      patch: patchOp(k, `status of the specified ${k.kind}`),
      parameters: [nameParam, ...nsParam],
    },
  };
  if (k.namespaced) paths[`${base}/${k.plural}`] = { get: op(k, 'list', `list or watch objects of kind ${k.kind} in all namespaces`) };
  return paths;
}

/** The OpenAPI v3 document of one group version, or undefined when kedge serves none there. */
export function openApiV3Document(group: string, version: string): Json | undefined {
  const of = kinds.filter((k) => k.group === group && k.version === version);
  if (of.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: kubeVersion.gitVersion },
    paths: Object.assign({}, ...of.map(kindPaths)),
    components: {
      schemas: {
        'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
        ...Object.fromEntries(of.map((k) => [schemaName(k), kindSchema(k)])),
      },
    },
  };
}

/** "api/v1", "apis/apps/v1": the group versions kedge serves, as /openapi/v3 keys them. */
export function groupVersionPaths(): { key: string; group: string; version: string }[] {
  const seen = new Map<string, { key: string; group: string; version: string }>();
  for (const k of kinds) {
    const key = k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`;
    if (!seen.has(key)) seen.set(key, { key, group: k.group, version: k.version });
  }
  return [...seen.values()];
}

/**
 * An empty OpenAPI v2 document in gnostic's protobuf encoding (the only one kubectl asks for):
 * Document { swagger = 1: "2.0", info = 2: { title = 1, version = 2 }, paths = 8: {} }.
 */
export function emptyOpenApiV2Protobuf(): Buffer {
  const field = (tag: number, bytes: Buffer) => Buffer.concat([Buffer.from([(tag << 3) | 2]), varint(bytes.length), bytes]);
  const str = (tag: number, s: string) => field(tag, Buffer.from(s, 'utf8'));
  const info = Buffer.concat([str(1, 'Kubernetes'), str(2, kubeVersion.gitVersion)]);
  return Buffer.concat([str(1, '2.0'), field(2, info), field(8, Buffer.alloc(0))]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** What Kubernetes answers for the protobuf document ("@" is not a MIME token character: Go's mime parser refuses it). */
const v2Protobuf = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export function openApiRoutes(): Hono {
  const app = new Hono();
  // Generating the schemas takes a while; a server nobody asks for them never pays for it.
  let built: Map<string, { text: string; hash: string }> | undefined;
  const docs = () =>
    (built ??= new Map(
      groupVersionPaths().map((gv) => {
        const text = JSON.stringify(openApiV3Document(gv.group, gv.version));
        return [gv.key, { text, hash: createHash('sha256').update(text).digest('hex').slice(0, 32).toUpperCase() }];
      }),
    ));

  app.get('/openapi/v3', (c) =>
    c.json({ paths: Object.fromEntries([...docs()].map(([key, d]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` }])) }),
  );
  app.get('/openapi/v3/*', (c, next) => {
    const d = docs().get(c.req.path.slice('/openapi/v3/'.length));
    if (!d) return next();
    // The URL carries the hash of the content, so clients may cache it for ever, as Kubernetes allows.
    if (c.req.query('hash') === d.hash) c.header('Cache-Control', 'public, immutable');
    return c.body(d.text, 200, { 'Content-Type': 'application/json' });
  });
  app.get('/openapi/v2', (c) => {
    const accept = c.req.header('accept') ?? '';
    if (accept.includes('protobuf')) return c.body(new Uint8Array(emptyOpenApiV2Protobuf()), 200, { 'Content-Type': v2Protobuf });
    return c.json({ swagger: '2.0', info: { title: 'Kubernetes', version: kubeVersion.gitVersion }, paths: {} });
  });
  return app;
}
