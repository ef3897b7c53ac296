/**
 * The parts of Services planned by earlier syncs, reused while a Service and the local pods behind it
 * are unchanged: one endpoint's change then plans one Service, not a thousand.
 */
import { serviceEndpointSchema, serviceRouteSchema, type ServiceEndpoint, type ServiceRoute } from '../../../shared/cluster-network.js';
import type { NodeView } from './backends.js';
import type { RulesetPart } from './builder.js';

export class PlanCache {
  private context = '';
  private parts = new Map<string, { svc: ServiceRoute; pods: string[]; part: RulesetPart }>();
  private seen = new Set<string>();

  /** Starts a sync; `context` is what every part depends on (table, ranges, node addresses): when it changes, all go. */
  begin(context: string): void {
    if (context !== this.context) this.parts.clear();
    this.context = context;
    this.seen = new Set();
  }

  /** The Service's part if planned from the same input before, else the one `plan` makes now. */
  part(svc: ServiceRoute, view: NodeView, plan: () => RulesetPart): RulesetPart {
    const id = `${svc.namespace}/${svc.name}`;
    const pods = localPodStates(svc, view);
    this.seen.add(id);
    const hit = this.parts.get(id);
    if (hit && sameStrings(hit.pods, pods) && sameRoute(hit.svc, svc)) return hit.part;
    const part = plan();
    // A copy: the caller may change its objects in place before the next sync.
    this.parts.set(id, { svc: structuredClone(svc), pods, part });
    return part;
  }

  /** Ends a sync: Services that are gone are forgotten. */
  end(): void {
    for (const id of this.parts.keys()) if (!this.seen.has(id)) this.parts.delete(id);
  }

  get size(): number {
    return this.parts.size;
  }
}

/** How this node sees the local pods behind a Service: the other half of what its part is planned from. */
function localPodStates(svc: ServiceRoute, view: NodeView): string[] {
  const states: string[] = [];
  for (const ep of svc.endpoints) {
    if (ep.nodeName !== view.nodeName || ep.podUID === undefined) continue;
    const pod = view.localPods.get(ep.podUID);
    states.push(pod === undefined ? 'gone' : pod.ready ? 'ready' : 'unready');
  }
  return states;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// Field by field from the wire schema, so a field added there is compared here too.
const routeFields = Object.keys(serviceRouteSchema.shape) as (keyof ServiceRoute)[];
const endpointFields = Object.keys(serviceEndpointSchema.shape) as (keyof ServiceEndpoint)[];

/** Equal Services plan equal parts; cheaper than serializing a thousand of them on every sync. */
export function sameRoute(a: ServiceRoute, b: ServiceRoute): boolean {
  for (const f of routeFields) {
    if (f === 'endpoints') {
      if (a.endpoints.length !== b.endpoints.length) return false;
      for (let i = 0; i < a.endpoints.length; i++) if (!sameEndpoint(a.endpoints[i]!, b.endpoints[i]!)) return false;
    } else if (!sameJson(a[f], b[f])) return false;
  }
  return true;
}

function sameEndpoint(a: ServiceEndpoint, b: ServiceEndpoint): boolean {
  for (const f of endpointFields) if (a[f] !== b[f] && !sameJson(a[f], b[f])) return false;
  return true;
}

/** Deep equality of JSON-shaped values without serializing them: a thousand Services are compared per sync. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    if (a.length !== bs.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], bs[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let defined = 0;
  for (const k in ra) {
    if (ra[k] === undefined) continue;
    defined++;
    if (!sameJson(ra[k], rb[k])) return false;
  }
  for (const k in rb) if (rb[k] !== undefined) defined--;
  return defined === 0;
}
