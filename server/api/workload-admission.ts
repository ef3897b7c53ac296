import { KedgeError } from '../../shared/errors.js';
import type { KObject } from '../../shared/meta.js';
import type { DaemonSet } from '../../shared/daemonset.js';
import type { Deployment, LabelSelectorSpec } from '../../shared/deployment.js';
import type { ReplicaSet } from '../../shared/replicaset.js';
import { fromLabelSelector, matches } from '../../shared/selector.js';

type IntOrPercent = number | string | undefined;

const invalid = (obj: KObject, field: string, value: unknown, message: string) =>
  new KedgeError('Invalid', `${obj.kind}.apps "${obj.metadata.name ?? ''}" is invalid: ${field}: Invalid value: ${JSON.stringify(value)}: ${message}`, {
    details: { kind: obj.kind, name: obj.metadata.name, causes: [{ field, message, reason: 'FieldValueInvalid' }] },
  });

const isZero = (v: IntOrPercent) => v === 0 || v === '0%';
const overFull = (v: IntOrPercent) => typeof v === 'string' && /^[0-9]+%$/.test(v) && Number(v.slice(0, -1)) > 100;

/** Kubernetes' checks on a rolling update's limits: not both zero, unavailability at most 100%. */
function checkLimits(obj: KObject, base: string, maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, defaults: { surge: IntOrPercent; unavailable: IntOrPercent }) {
  const surge = maxSurge ?? defaults.surge;
  const unavailable = maxUnavailable ?? defaults.unavailable;
  if (overFull(unavailable)) throw invalid(obj, `${base}.maxUnavailable`, unavailable, 'must not be greater than 100%');
  if (isZero(surge) && isZero(unavailable)) throw invalid(obj, `${base}.maxUnavailable`, unavailable, 'may not be 0 when `maxSurge` is 0');
}

function checkSelector(obj: KObject, selector: LabelSelectorSpec, labels: Record<string, string> | undefined, what: string) {
  const reqs = fromLabelSelector(selector);
  if (reqs.length === 0) throw invalid(obj, 'spec.selector', selector, `empty selector is invalid for a ${what}`);
  if (!matches(reqs, labels)) throw invalid(obj, 'spec.template.metadata.labels', labels ?? {}, '`selector` does not match template `labels`');
}

export function checkDeploymentStrategy(obj: KObject): void {
  const d = obj as Deployment;
  const s = d.spec.strategy;
  if (s?.type === 'Recreate' && s.rollingUpdate) {
    throw invalid(obj, 'spec.strategy.rollingUpdate', s.rollingUpdate, "may not be specified when strategy `type` is 'Recreate'");
  }
  if ((s?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    checkLimits(obj, 'spec.strategy.rollingUpdate', s?.rollingUpdate?.maxSurge, s?.rollingUpdate?.maxUnavailable, { surge: '25%', unavailable: '25%' });
  }
}

export function checkReplicaSet(obj: KObject, existing?: KObject): void {
  const rs = obj as ReplicaSet;
  checkSelector(obj, rs.spec.selector, rs.spec.template.metadata?.labels, 'replicaset');
  checkImmutableSelector(obj, existing);
}

/**
 * Kubernetes defaults a DaemonSet's updateStrategy.type to RollingUpdate and clients rely on it
 * (kubectl rollout status refuses other types). Only the type: limits stay unset so that a later
 * apply switching to OnDelete does not leave a rollingUpdate block behind.
 */
export function defaultDaemonSet(obj: Record<string, unknown>): void {
  const spec = obj.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return;
  const s = spec as { updateStrategy?: unknown };
  if (s.updateStrategy === undefined) s.updateStrategy = {};
  const u = s.updateStrategy;
  if (u && typeof u === 'object' && !Array.isArray(u) && (u as { type?: unknown }).type === undefined) (u as { type?: unknown }).type = 'RollingUpdate';
}

export function checkDaemonSet(obj: KObject, existing?: KObject): void {
  const ds = obj as DaemonSet;
  checkSelector(obj, ds.spec.selector, ds.spec.template.metadata?.labels, 'daemonset');
  checkImmutableSelector(obj, existing);
  const s = ds.spec.updateStrategy;
  if (s?.type === 'OnDelete' && s.rollingUpdate) {
    throw invalid(obj, 'spec.updateStrategy.rollingUpdate', s.rollingUpdate, "may not be specified when strategy `type` is 'OnDelete'");
  }
  if ((s?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    checkLimits(obj, 'spec.updateStrategy.rollingUpdate', s?.rollingUpdate?.maxSurge, s?.rollingUpdate?.maxUnavailable, { surge: 0, unavailable: 1 });
  }
}

function checkImmutableSelector(obj: KObject, existing?: KObject) {
  const before = (existing?.spec as { selector?: unknown } | undefined)?.selector;
  const now = (obj.spec as { selector?: unknown }).selector;
  if (before !== undefined && JSON.stringify(before) !== JSON.stringify(now)) throw invalid(obj, 'spec.selector', now, 'field is immutable');
}
