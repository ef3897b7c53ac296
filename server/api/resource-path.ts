import { KedgeError } from '../../shared/errors.js';
import { kinds, type KindInfo } from '../../shared/kinds.js';

/** What a resource URL addresses. `namespace` undefined on a namespaced collection means all namespaces. */
export interface ResourceTarget {
  info: KindInfo;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

/**
 * Parses /api/{version}/... and /apis/{group}/{version}/... paths:
 * {plural}[/{name}[/status]] and namespaces/{ns}/{plural}[/{name}[/status]].
 */
export function parseResourcePath(path: string, method: string): ResourceTarget {
  const parts = path.split('/').filter((p) => p !== '');
  const notServed = () => new KedgeError('NotFound', `the server could not find the requested resource (kedge does not serve ${method} ${path})`);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api') {
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    rest = parts.slice(2);
  } else throw notServed();
  const [version, ...tail] = rest;
  const lookup = (plural: string | undefined) => {
    const info = kinds.find((k) => k.group === group && k.version === version && k.plural === plural);
    if (!info) throw notServed();
    return info;
  };

  // namespaces/{ns}/{plural}/... unless it is namespaces/{ns}/status (the Namespace's own subresource).
  if (tail[0] === 'namespaces' && tail.length >= 3 && !(tail.length === 3 && tail[2] === 'status' && group === '')) {
    const [, namespace, plural, name, sub, ...extra] = tail;
    const info = lookup(plural);
    if (!info.namespaced || extra.length > 0) throw notServed();
    return { info, namespace, ...objectPart(name, sub, notServed) };
  }
  const [plural, name, sub, ...extra] = tail;
  const info = lookup(plural);
  if (extra.length > 0) throw notServed();
  // A namespaced object is only addressable inside its namespace.
  if (info.namespaced && name !== undefined) throw notServed();
  return { info, ...objectPart(name, sub, notServed) };
}

function objectPart(name: string | undefined, sub: string | undefined, notServed: () => KedgeError): Pick<ResourceTarget, 'name' | 'subresource'> {
  if (sub !== undefined && sub !== 'status') throw notServed();
  return { ...(name !== undefined ? { name } : {}), ...(sub ? { subresource: 'status' as const } : {}) };
}
