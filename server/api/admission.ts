import { KedgeError } from '../../shared/errors.js';
import { nameSchema, type KObject } from '../../shared/meta.js';
import { fromLabelSelector, matches } from '../../shared/selector.js';
import { validate } from '../../shared/validate.js';
import type { LabelSelectorSpec } from '../../shared/deployment.js';
import type { Node } from '../../shared/node.js';
import type { Service } from '../../shared/service.js';
import { admitService } from '../network/service-admission.js';
import type { NetworkSettings } from '../network/settings.js';
import { checkConfigObject, mergeStringData } from '../secrets/admission.js';
import type { Store } from '../store/types.js';
import { applyDeletionFieldRules } from './deletion-fields.js';
import { reportUnknownFields, unknownFields, type FieldChecks } from './field-validation.js';
import { checkNamespaceAcceptsNew } from './namespaces.js';
import { withoutNullFields } from './null-fields.js';
import type { ResourceTarget } from './resource-path.js';
import { checkDaemonSet, checkDeploymentStrategy, checkReplicaSet, defaultDaemonSet } from './workload-admission.js';

export type Operation = 'create' | 'update';

export interface AdmissionContext {
  store: Store;
  /** The stored object, on update. */
  existing?: KObject;
  fields?: FieldChecks;
  /** Where ClusterIPs and NodePorts come from. */
  network: NetworkSettings;
  random?: () => number;
}

/**
 * Per-kind defaulting (before schema validation), checks (after), and what the stored form adds
 * (allocations, read from the store: call admit inside the transaction that writes); kinds without rules need none.
 */
interface KindRules {
  defaults?(obj: JsonObject, op: Operation): void;
  check?(obj: KObject, op: Operation, existing?: KObject): void;
  complete?(obj: KObject, ctx: AdmissionContext): KObject;
}

const invalid = (obj: KObject, field: string, message: string) =>
  new KedgeError('Invalid', `${obj.kind} "${obj.metadata.name ?? ''}" is invalid: ${field}: ${message}`, {
    details: { kind: obj.kind, name: obj.metadata.name, causes: [{ field, message, reason: 'FieldValueInvalid' }] },
  });

const rules: Record<string, KindRules> = {
  Secret: {
    defaults: (obj) => mergeStringData(obj),
    check: (obj, _op, existing) => checkConfigObject(obj, existing),
  },
  ConfigMap: {
    check: (obj, _op, existing) => checkConfigObject(obj, existing),
  },
  Pod: {
    defaults(obj, op) {
      if (op !== 'create') return;
      obj.status ??= {};
      if (isObject(obj.status) && obj.status.phase === undefined) obj.status.phase = 'Pending';
    },
  },
  Deployment: {
    defaults(obj) {
      if (isObject(obj.spec) && obj.spec.replicas === undefined) obj.spec.replicas = 1;
    },
    check(obj, _op, existing) {
      const spec = obj.spec as { selector: LabelSelectorSpec; template: { metadata?: { labels?: Record<string, string> } } };
      const reqs = fromLabelSelector(spec.selector);
      if (reqs.length === 0) throw invalid(obj, 'spec.selector', 'empty selector is invalid for a deployment');
      if (!matches(reqs, spec.template.metadata?.labels)) {
        throw invalid(obj, 'spec.template.metadata.labels', '`selector` does not match template `labels`');
      }
      const before = (existing?.spec as { selector?: unknown } | undefined)?.selector;
      if (before !== undefined && JSON.stringify(before) !== JSON.stringify(spec.selector)) {
        throw invalid(obj, 'spec.selector', 'field is immutable');
      }
      checkDeploymentStrategy(obj);
    },
  },
  ReplicaSet: {
    defaults(obj) {
      if (isObject(obj.spec) && obj.spec.replicas === undefined) obj.spec.replicas = 1;
    },
    check: (obj, _op, existing) => checkReplicaSet(obj, existing),
  },
  DaemonSet: { defaults: (obj) => defaultDaemonSet(obj), check: (obj, _op, existing) => checkDaemonSet(obj, existing) },
  Service: {
    complete: (obj, ctx) => admitService(obj as Service, ctx.existing as Service | undefined, { settings: ctx.network, claims: ctx.store.claims, random: ctx.random }),
  },
  Node: { check: (obj, _op, existing) => checkPodCIDR(obj as Node, existing as Node | undefined) },
};

/** A node's pod range is given once (by the server) and kept: its pods' addresses come from it. */
function checkPodCIDR(n: Node, existing: Node | undefined) {
  const before = existing?.spec?.podCIDR;
  if (before && n.spec?.podCIDR !== before) {
    throw invalid(n, 'spec.podCIDR', `Forbidden: node updates may not change podCIDR except from "" to valid`);
  }
  const beforeAll = existing?.spec?.podCIDRs;
  if (beforeAll?.length && JSON.stringify(n.spec?.podCIDRs ?? []) !== JSON.stringify(beforeAll)) {
    throw invalid(n, 'spec.podCIDRs', `Forbidden: node updates may not change podCIDR except from "" to valid`);
  }
}

/**
 * Checks and defaults an object sent to `target`: apiVersion/kind must match the URL, the namespace
 * comes from the URL and must exist, then the kind's schema and rules. Returns what to store.
 */
export function admit(body: Record<string, unknown>, target: ResourceTarget, op: Operation, ctx: AdmissionContext): KObject {
  const { info } = target;
  const { store, existing, fields } = ctx;
  const obj = withoutNullFields(body);
  for (const field of ['apiVersion', 'kind'] as const) {
    const want = field === 'apiVersion' ? info.apiVersion : info.kind;
    if (obj[field] === undefined) obj[field] = want;
    else if (obj[field] !== want) {
      throw new KedgeError('BadRequest', `${field}: "${String(obj[field])}" does not match the URL, which serves ${info.apiVersion} ${info.kind}`);
    }
  }
  obj.metadata ??= {};
  const meta = obj.metadata;
  if (!isObject(meta)) throw new KedgeError('BadRequest', 'metadata: must be a JSON object');

  if (info.namespaced) {
    if (meta.namespace === undefined || meta.namespace === '') meta.namespace = target.namespace;
    else if (meta.namespace !== target.namespace) {
      throw new KedgeError('BadRequest', `metadata.namespace: "${String(meta.namespace)}" does not match the namespace in the URL ("${target.namespace}")`);
    }
  } else delete meta.namespace; // cluster-scoped objects have none, as in Kubernetes

  if (target.name !== undefined) {
    if (meta.name === undefined || meta.name === '') meta.name = target.name;
    else if (meta.name !== target.name) {
      throw new KedgeError('BadRequest', `metadata.name: "${String(meta.name)}" does not match the name in the URL ("${target.name}")`);
    }
  } else if (!meta.name) {
    if (typeof meta.generateName !== 'string' || meta.generateName === '') {
      throw new KedgeError('Invalid', `${info.kind} is invalid: metadata.name: name or generateName is required`, {
        details: { kind: info.kind, causes: [{ field: 'metadata.name', message: 'name or generateName is required', reason: 'FieldValueRequired' }] },
      });
    }
    // The generated name is the prefix plus 5 characters of [a-z0-9]; it must be a valid name too.
    if (!nameSchema.safeParse(`${meta.generateName}x0000`).success) throw invalid(obj as unknown as KObject, 'metadata.generateName', 'must be a valid name prefix (lower case alphanumerics, - and .)');
  }

  rules[info.kind]?.defaults?.(obj, op);
  const valid = validate(info.schema, obj, { kind: info.kind, name: typeof meta.name === 'string' ? meta.name : undefined }) as KObject;
  reportUnknownFields(unknownFields(obj, valid), fields, info);
  rules[info.kind]?.check?.(valid, op, existing);
  applyDeletionFieldRules(valid, op, existing);

  if (info.namespaced && op === 'create') checkNamespaceAcceptsNew(store, info, valid.metadata.namespace!, valid.metadata.name);
  // The status subresource changes status only: nothing of the spec is allocated there.
  const complete = target.subresource ? undefined : rules[info.kind]?.complete;
  return complete ? complete(valid, ctx) : valid;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
