/**
 * A network configuration list run as the CNI spec runs one: ADD through the plugins in order,
 * each given the previous one's result as prevResult; DEL in reverse order with the ADD's final
 * result; CHECK in order with it.
 */
import { KedgeError } from '../../../../shared/errors.js';
import { callPlugin, cniFailure, type CniCommand, type CniRuntime, type Exec } from './invoke.js';
import { requirePlugin } from './plugins.js';

export interface PluginConf {
  type: string;
  [key: string]: unknown;
}

export interface NetworkList {
  cniVersion: string;
  name: string;
  plugins: PluginConf[];
}

/** What one plugin of the list reads on stdin: its own fields, the list's name and version, and prevResult. */
export function pluginConfig(list: NetworkList, plugin: PluginConf, prevResult?: unknown): Record<string, unknown> {
  return { ...plugin, cniVersion: list.cniVersion, name: list.name, ...(prevResult !== undefined ? { prevResult } : {}) };
}

export interface Cni {
  /** The final result of the list. */
  add(list: NetworkList, rt: CniRuntime): Promise<unknown>;
  /** Every plugin is asked even when one fails, so one broken plugin does not leak the others' state. */
  del(list: NetworkList, rt: CniRuntime, prevResult?: unknown): Promise<void>;
  check(list: NetworkList, rt: CniRuntime, prevResult: unknown): Promise<void>;
  /** One plugin alone (host-local releasing an address no journal holds). */
  call(command: CniCommand, type: string, config: Record<string, unknown>, rt?: CniRuntime): Promise<unknown>;
}

export function createCni(o: { exec: Exec; pluginDirs: readonly string[]; timeoutMs?: number }): Cni {
  async function call(command: CniCommand, type: string, config: Record<string, unknown>, runtime?: CniRuntime): Promise<unknown> {
    const plugin = await requirePlugin(o.pluginDirs, type);
    const c = { command, plugin, pluginDirs: o.pluginDirs, config, ...(runtime ? { runtime } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) };
    const out = await callPlugin(o.exec, c);
    if (!out.ok) throw new KedgeError(out.error.code === 11 ? 'ServiceUnavailable' : 'InternalError', cniFailure(c, out.error));
    return out.output;
  }

  return {
    async add(list, rt) {
      let prev: unknown;
      for (const p of list.plugins) {
        const out = await call('ADD', p.type, pluginConfig(list, p, prev), rt);
        // A plugin without output passes the previous result on, as libcni does.
        if (out !== undefined) prev = out;
      }
      return prev;
    },
    async del(list, rt, prevResult) {
      const failures: string[] = [];
      for (const p of [...list.plugins].reverse()) {
        try {
          await call('DEL', p.type, pluginConfig(list, p, prevResult), rt);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
      if (failures.length) throw new KedgeError('InternalError', failures.join('; '));
    },
    async check(list, rt, prevResult) {
      for (const p of list.plugins) await call('CHECK', p.type, pluginConfig(list, p, prevResult), rt);
    },
    call,
  };
}
