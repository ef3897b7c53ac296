import type { ApiClient, ListResult } from '../../shared/client.js';
import type { DeleteOptions } from '../../shared/delete-options.js';
import type { KindInfo } from '../../shared/kinds.js';
import { resourcePath } from '../../shared/kinds.js';
import type { KObject } from '../../shared/meta.js';

/** What cordon, drain, label and describe need of the API: reads, deletes and JSON merge patches. */
export interface ObjectClient {
  get<T = KObject>(info: KindInfo, namespace: string | undefined, name: string): Promise<T>;
  list<T = KObject>(info: KindInfo, q?: { namespace?: string; labelSelector?: string }): Promise<ListResult<T>>;
  delete(info: KindInfo, namespace: string | undefined, name: string, options?: Pick<DeleteOptions, 'gracePeriodSeconds'>): Promise<KObject>;
  /** RFC 7386 merge patch: only the fields named change (null removes one), so nothing read is written back. */
  patch<T = KObject>(info: KindInfo, namespace: string | undefined, name: string, patch: Record<string, unknown>): Promise<T>;
}

export function objectClient(api: ApiClient): ObjectClient {
  return {
    get: (info, ns, name) => api.get(info, ns, name),
    list: (info, q) => api.list(info, q),
    delete: (info, ns, name, options) => api.delete(info, ns, name, options),
    patch: (info, ns, name, patch) => api.request('PATCH', resourcePath(info, ns, name), patch, { headers: { 'content-type': 'application/merge-patch+json' } }),
  };
}
