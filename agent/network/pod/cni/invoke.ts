/**
 * Runs one CNI plugin as the CNI spec says: the parameters in CNI_* variables, the network
 * configuration on stdin, the result (or an error object with code and msg) as JSON on stdout.
 */
import { basename } from 'node:path';
import { KedgeError } from '../../../../shared/errors.js';
import { describeFailure, runProcess, type ProcessResult, type RunOptions } from '../../../runtime/ctr/run-process.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

/** Runs a command; the default spawns it, tests wrap it (e.g. to run plugins in a namespace of their own). */
export type Exec = (file: string, args: string[], o: RunOptions) => Promise<ProcessResult>;

export const defaultExec: Exec = (file, args, o) => runProcess(file, args, o);

export interface CniRuntime {
  /** CNI_CONTAINERID: what the plugins key their state by (host-local's leases). */
  containerId: string;
  /** CNI_NETNS; '' on a DEL whose namespace is gone. */
  netns: string;
  ifname: string;
  /** CNI_ARGS as key=value pairs. */
  args?: Record<string, string>;
}

export interface PluginCall {
  command: CniCommand;
  /** The plugin executable. */
  plugin: string;
  /** CNI_PATH: where a plugin finds the ones it calls (bridge runs host-local). */
  pluginDirs: readonly string[];
  /** Required for ADD, DEL and CHECK. */
  runtime?: CniRuntime;
  config: Record<string, unknown>;
  timeoutMs?: number;
}

/** The spec's error object; code null when the plugin printed none (it crashed, or could not start). */
export interface CniError {
  code: number | null;
  msg: string;
  details?: string;
}

export type PluginOutcome = { ok: true; output: unknown } | { ok: false; error: CniError };

const argValue = /^[^;=]*$/;

/** The environment of one call; the agent's own CNI_* variables never leak into it. */
export function pluginEnv(call: PluginCall, path = process.env.PATH): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: path ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_COMMAND: call.command, CNI_PATH: call.pluginDirs.join(':') };
  const rt = call.runtime;
  if (call.command !== 'VERSION') {
    if (!rt) throw new KedgeError('Invalid', `CNI ${call.command} of ${basename(call.plugin)} needs a container id, a namespace and an interface name`);
    env.CNI_CONTAINERID = rt.containerId;
    env.CNI_NETNS = rt.netns;
    env.CNI_IFNAME = rt.ifname;
    const args = Object.entries(rt.args ?? {});
    for (const [k, v] of args) {
      if (!k || !argValue.test(k) || !argValue.test(v)) throw new KedgeError('Invalid', `CNI_ARGS ${k}=${v}: keys and values must not hold ";" or "="`);
    }
    if (args.length) env.CNI_ARGS = args.map(([k, v]) => `${k}=${v}`).join(';');
  }
  return env;
}

/** A plugin's answer as plain data: the parsed stdout, or the error it reported. */
export function pluginOutcome(r: ProcessResult, plugin: string): PluginOutcome {
  const out = r.stdout.trim();
  if (r.exitCode === 0) {
    if (!out) return { ok: true, output: undefined };
    try {
      return { ok: true, output: JSON.parse(out) as unknown };
    } catch {
      return { ok: false, error: { code: null, msg: `printed a result that is not JSON: ${out.slice(0, 200)}` } };
    }
  }
  try {
    const e = JSON.parse(out) as { code?: unknown; msg?: unknown; details?: unknown };
    if (typeof e.msg === 'string') {
      return { ok: false, error: { code: typeof e.code === 'number' ? e.code : null, msg: e.msg, ...(typeof e.details === 'string' && e.details ? { details: e.details } : {}) } };
    }
  } catch {
    // not the spec's error object: fall back to what the process said
  }
  const said = r.stderr.trim() || out;
  return { ok: false, error: { code: null, msg: said ? `${describeFailure(basename(plugin), r)}: ${said.slice(0, 500)}` : describeFailure(basename(plugin), r) } };
}

/** One line naming the command, the plugin, its message and the spec's error code. */
export function cniFailure(call: Pick<PluginCall, 'command' | 'plugin'>, e: CniError): string {
  return `CNI ${call.command} of ${basename(call.plugin)} failed: ${e.msg}${e.details ? ` (${e.details})` : ''}${e.code !== null ? ` [CNI error ${e.code}]` : ''}`;
}

export async function callPlugin(exec: Exec, call: PluginCall): Promise<PluginOutcome> {
  const env = pluginEnv(call);
  const r = await exec(call.plugin, [], { env, input: JSON.stringify(call.config), timeoutMs: call.timeoutMs ?? 60_000 });
  if (r.timedOut) return { ok: false, error: { code: null, msg: `did not finish within ${(call.timeoutMs ?? 60_000) / 1000} s` } };
  return pluginOutcome(r, call.plugin);
}
