import type { KindInfo } from '../../../shared/kinds.js';
import type { KObject } from '../../../shared/meta.js';
import type { memoryClient } from './memory-client.js';
import type { ObjectClient } from '../object-client.js';

/** RFC 7386 merge patch, for the in-memory client of the tests. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** An ObjectClient over the in-memory client, for command tests without a server. */
export function memoryObjectClient(mc: ReturnType<typeof memoryClient>): ObjectClient & { patches: string[] } {
  const patches: string[] = [];
  return {
    patches,
    get: (info, ns, name) => mc.get(info, ns, name),
    list: (info, q) => mc.list(info, q),
    delete: (info, ns, name, options) => mc.delete(info, ns, name, options),
    async patch<T>(info: KindInfo, ns: string | undefined, name: string, patch: Record<string, unknown>): Promise<T> {
      patches.push(`${info.kind} ${name} ${JSON.stringify(patch)}`);
      const cur = await mc.get<KObject>(info, ns, name);
      return mc.update(mergePatch(cur, patch) as KObject) as Promise<T>;
    },
  };
}
