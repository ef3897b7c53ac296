import { Hono, type Context } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import type { LabelSelectorSpec } from '../../shared/deployment.js';
import type { KObject } from '../../shared/meta.js';
import { dryRunQuery, runWrite } from './dry-run.js';
import { applyPatch } from './patch.js';
import { readJson } from './request-body.js';
import type { ApiDeps } from './types.js';
import { formatLabelSelector } from '../../shared/selector.js';

/** Kinds with a `scale` subresource, by plural. */
const scalable: Record<string, string> = { deployments: 'Deployment', replicasets: 'ReplicaSet' };

interface Scalable extends KObject {
  spec: { replicas?: number; selector: LabelSelectorSpec };
  status?: { replicas?: number };
}

/** Kubernetes' FormatLabelSelector: "app=web,tier in (a,b)". */
export function selectorString(sel: LabelSelectorSpec): string {
  return formatLabelSelector(sel);
}

export function toScale(o: Scalable) {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: o.spec.replicas ?? 1 },
    status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec.selector) },
  };
}

/** GET, PUT and PATCH of autoscaling/v1 Scale for Deployments and ReplicaSets (what `kubectl scale` uses). */
export function scaleRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  const path = '/apis/apps/v1/namespaces/:namespace/:plural/:name/scale';

  function target(c: Context): Scalable {
    const { namespace, plural, name } = c.req.param() as { namespace: string; plural: string; name: string };
    const kind = scalable[plural];
    if (!kind) throw new KedgeError('NotFound', `the server could not find the requested resource (${plural} have no scale subresource)`);
    const o = deps.store.get(kind, namespace, name);
    if (!o) throw new KedgeError('NotFound', `${plural}.apps "${name}" not found`, { details: { kind: plural, name } });
    return o as Scalable;
  }

  function write(c: Context, o: Scalable, body: unknown): Response {
    dryRunQuery(c); // refused before the body is looked at
    const scale = body as { metadata?: { resourceVersion?: string; name?: string }; spec?: { replicas?: unknown } } | null;
    const replicas = scale?.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new KedgeError('Invalid', `Scale.autoscaling "${o.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be a whole number greater than or equal to 0`, {
        details: { kind: 'Scale', name: o.metadata.name, causes: [{ field: 'spec.replicas', message: 'must be greater than or equal to 0', reason: 'FieldValueInvalid' }] },
      });
    }
    if (scale?.metadata?.name !== undefined && scale.metadata.name !== o.metadata.name) {
      throw new KedgeError('BadRequest', `metadata.name: "${scale.metadata.name}" does not match the name in the URL ("${o.metadata.name}")`);
    }
    const next = { ...o, spec: { ...o.spec, replicas } };
    const stored = runWrite(c, deps.store, () => deps.store.update(next, { expectResourceVersion: scale?.metadata?.resourceVersion || undefined })) as Scalable;
    return c.json(toScale(stored));
  }

  app.get(path, (c) => c.json(toScale(target(c))));
  app.put(path, async (c) => write(c, target(c), await readJson(c)));
  app.patch(path, async (c) => {
    const o = target(c);
    return write(c, o, applyPatch(c.req.header('content-type'), toScale(o), await readJson(c)));
  });
  return app;
}
