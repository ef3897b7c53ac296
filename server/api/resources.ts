import { Hono, type Context } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import { parseSelector } from '../../shared/selector.js';
import { deleteObject } from '../deletion/delete.js';
import { defaultNetworkSettings } from '../network/settings.js';
import { admit } from './admission.js';
import { deleteResponseBody, readDeleteRequest } from './delete-request.js';
import { deleteDryRun, dryRunQuery, runWrite } from './dry-run.js';
import { fieldChecksFor } from './field-validation.js';
import { matchesFields, parseFieldSelector } from './field-selector.js';
import { deleteNamespace } from './namespaces.js';
import { applyPatch } from './patch.js';
import { readJson, readJsonObject } from './request-body.js';
import { parseResourcePath, type ResourceTarget } from './resource-path.js';
import { readAppliedObject, serverSideApply } from './server-side-apply.js';
import { tableResponder } from './tables.js';
import type { ApiDeps } from './types.js';
import { parseWatchQuery, watchCollection } from './watch.js';

/** The generic resource handler: every kind in shared/kinds.ts, routed by its group, version and plural. */
export function resourceRoutes(deps: ApiDeps): Hono {
  const { store } = deps;
  const network = deps.network ?? defaultNetworkSettings;
  const app = new Hono();
  const view = (o: KObject) => (o.kind === 'Node' && deps.nodeView ? deps.nodeView(o) : o);

  async function handle(c: Context): Promise<Response> {
    const method = c.req.method;
    const t = parseResourcePath(c.req.path, method);
    if (method !== 'GET') dryRunQuery(c); // a bad dryRun is refused before anything is looked at
    if (t.name === undefined) {
      if (method === 'GET') return c.req.query('watch') === '1' || c.req.query('watch') === 'true' ? watch(c, t) : list(c, t);
      if (method === 'POST') return create(c, t);
      throw notAllowed(method, c.req.path, ['GET', 'POST']);
    }
    switch (method) {
      case 'GET': {
        const obj = view(getObject(t));
        return tableResponder(c, t.info.kind)?.respond([obj], obj.metadata.resourceVersion) ?? c.json(obj);
      }
      case 'PUT':
        return replace(c, t, await readJsonObject(c));
      case 'PATCH':
        return patch(c, t);
      case 'DELETE':
        if (t.subresource) break;
        return remove(c, t);
    }
    throw notAllowed(method, c.req.path, t.subresource ? ['GET', 'PUT', 'PATCH'] : ['GET', 'PUT', 'PATCH', 'DELETE']);
  }

  function getObject(t: ResourceTarget): KObject {
    const obj = store.get(t.info.kind, t.namespace ?? '', t.name!);
    if (!obj) throw new KedgeError('NotFound', `${t.info.plural} "${t.name}" not found`, { details: { kind: t.info.plural, name: t.name } });
    return obj;
  }

  function selectors(c: Context) {
    return { labels: parseSelector(c.req.query('labelSelector'), 'labelSelector'), fields: parseFieldSelector(c.req.query('fieldSelector')) };
  }

  function list(c: Context, t: ResourceTarget): Response {
    const { labels, fields } = selectors(c);
    const equal = Object.fromEntries(fields.filter((f) => f.op === '=').map((f) => [f.field, f.value]));
    const { items, resourceVersion } = store.list(t.info.kind, { namespace: t.namespace, labelSelector: labels, fields: equal });
    const unequal = fields.filter((f) => f.op === '!=');
    const kept = unequal.length ? items.filter((o) => matchesFields(unequal, o)) : items;
    const table = tableResponder(c, t.info.kind);
    if (table) return table.respond(kept.map(view), resourceVersion);
    return c.json({ apiVersion: t.info.apiVersion, kind: `${t.info.kind}List`, metadata: { resourceVersion }, items: kept.map(view) });
  }

  function watch(c: Context, t: ResourceTarget): Response {
    const { labels, fields } = selectors(c);
    const table = tableResponder(c, t.info.kind);
    return watchCollection(c, store, t, parseWatchQuery(c, labels, fields), table ? table.watchView(view) : view);
  }

  async function create(c: Context, t: ResourceTarget): Promise<Response> {
    if (t.info.namespaced && t.namespace === undefined) {
      throw new KedgeError('MethodNotAllowed', `POST ${c.req.path}: create ${t.info.plural} inside a namespace, at ${c.req.path.replace(/\/[^/]+$/, '')}/namespaces/{namespace}/${t.info.plural}`);
    }
    if (t.subresource) throw notAllowed('POST', c.req.path, ['GET', 'PUT', 'PATCH']);
    const body = await readJsonObject(c);
    return c.json(view(createAdmitted(c, t, body)), 201);
  }

  /** Admission and the write in one transaction: what admission allocated (a ClusterIP) is still free when written. */
  function createAdmitted(c: Context, t: ResourceTarget, body: Record<string, unknown>): KObject {
    return runWrite(c, store, () => store.batch(() => store.create(admit(body, t, 'create', { store, fields: fieldChecksFor(c), network }))));
  }

  /** PUT and PATCH end here: the main resource keeps the stored status, the status subresource changes only status. */
  function replace(c: Context, t: ResourceTarget, body: Record<string, unknown>): Response {
    return c.json(view(runWrite(c, store, () => store.batch(() => admitUpdate(c, t, body)))));
  }

  function admitUpdate(c: Context, t: ResourceTarget, body: Record<string, unknown>): KObject {
    const existing = getObject(t);
    const obj = admit(body, t, 'update', { store, existing, fields: fieldChecksFor(c), network });
    const expectResourceVersion = obj.metadata.resourceVersion || undefined;
    if (t.subresource) return store.update(obj, { subresource: 'status', expectResourceVersion });
    const next: KObject = { ...obj };
    if (existing.status === undefined) delete next.status;
    else next.status = existing.status;
    return store.update(next, { expectResourceVersion });
  }

  async function patch(c: Context, t: ResourceTarget): Promise<Response> {
    if (/^application\/apply-patch\+yaml\s*(;|$)/i.test(c.req.header('content-type') ?? '')) return apply(c, t);
    const existing = getObject(t);
    const patched = applyPatch(c.req.header('content-type'), existing, await readJson(c));
    if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
      throw new KedgeError('BadRequest', 'request body: the patch must leave a JSON object');
    }
    return replace(c, t, patched as Record<string, unknown>);
  }

  /** Server-side apply: creates a missing object, else merges the configuration in (server-side-apply.ts). */
  async function apply(c: Context, t: ResourceTarget): Promise<Response> {
    const applied = await readAppliedObject(c);
    const existing = store.get(t.info.kind, t.namespace ?? '', t.name!);
    if (!existing) {
      if (t.subresource) throw new KedgeError('NotFound', `${t.info.plural} "${t.name}" not found`, { details: { kind: t.info.plural, name: t.name } });
      return c.json(view(createAdmitted(c, t, applied)), 201);
    }
    return replace(c, t, serverSideApply(t.info.kind, existing as unknown as Record<string, unknown>, applied));
  }

  /** Graceful as in Kubernetes (server/deletion/): the object while something holds it, else a Status. */
  async function remove(c: Context, t: ResourceTarget): Promise<Response> {
    const dryRun = await deleteDryRun(c);
    const req = await readDeleteRequest(c);
    const now = deps.clock ?? (() => new Date());
    let removed = false;
    const object = runWrite(
      c,
      store,
      () => {
        const outcome = t.info.kind === 'Namespace' ? deleteNamespace(store, t.name!, req, now) : deleteObject(store, t.info.kind, t.namespace ?? '', t.name!, req, { now });
        removed = outcome.removed;
        return outcome.object;
      },
      dryRun,
    );
    const body = deleteResponseBody(t.info, { object, removed });
    return c.json(body === object ? view(object) : body);
  }

  app.all('/api/*', handle);
  app.all('/apis/*', handle);
  return app;
}

function notAllowed(method: string, path: string, allowed: string[]): KedgeError {
  return new KedgeError('MethodNotAllowed', `${method} is not supported on ${path}; use ${allowed.join(', ')}`);
}
