import type { Node } from '../../shared/node.js';
import type { Pod } from '../../shared/pod.js';
import type { z } from 'zod';
import type { nodeSelectorRequirementSchema, nodeSelectorTermSchema } from '../../shared/pod.js';

export type NodeSelectorRequirement = z.infer<typeof nodeSelectorRequirementSchema>;
export type NodeSelectorTerm = z.infer<typeof nodeSelectorTermSchema>;

/** Kubernetes parses Gt/Lt values as 64-bit integers; anything else never matches. */
function integer(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^-?[0-9]+$/.test(text)) return undefined;
  return BigInt(text);
}

/** One requirement against a map of values (labels, or fields such as metadata.name). */
export function requirementMatches(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  const v = has ? values[r.key] : undefined;
  switch (r.operator) {
    case 'In':
      return has && (r.values ?? []).includes(v!);
    case 'NotIn':
      return !has || !(r.values ?? []).includes(v!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      const want = integer(r.values?.length === 1 ? r.values[0] : undefined);
      const got = integer(v);
      if (want === undefined || got === undefined) return false;
      return r.operator === 'Gt' ? got > want : got < want;
    }
  }
}

/** A term matches when all its expressions and fields do; an empty term matches nothing, as in Kubernetes. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const nodeFields = { 'metadata.name': node.metadata.name ?? '' };
  return exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => requirementMatches(r, nodeFields));
}

/** nodeSelector (every pair) and required node affinity (any term) must both hold. */
export function matchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((t) => termMatches(t, node));
}

/** Share (0..1) of the pod's preferred-affinity weight that the node satisfies; 0 when the pod states no preference. */
export function preferredAffinityShare(pod: Pod, node: Node): number {
  const preferred = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  let total = 0;
  let matched = 0;
  for (const p of preferred) {
    total += p.weight;
    if (termMatches(p.preference, node)) matched += p.weight;
  }
  return total > 0 ? matched / total : 0;
}
