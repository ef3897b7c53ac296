/** A CNI plugin executable for tests: a shell script that records each call and answers as told. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RecordedCall {
  command: string;
  containerId: string;
  netns: string;
  ifname: string;
  args: string;
  path: string;
  /** CNI_* variables the plugin saw that are not the spec's. */
  stray: string;
  stdin: unknown;
}

export interface FakePluginAnswer {
  /** Printed on stdout for ADD (and VERSION). */
  stdout?: string;
  exitCode?: number;
  /** Printed on stderr. */
  stderr?: string;
}

/** Writes `<dir>/<name>`; every call appends one line to `<dir>/<name>.calls`. */
export function writeFakePlugin(dir: string, name: string, answers: Partial<Record<'ADD' | 'DEL' | 'CHECK' | 'VERSION', FakePluginAnswer>>): { path: string; calls(): RecordedCall[] } {
  const path = join(dir, name);
  const log = `${path}.calls`;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const branch = (cmd: string, a: FakePluginAnswer | undefined) =>
    a ? `  ${cmd}) printf '%s' ${q(a.stdout ?? '')}; printf '%s' ${q(a.stderr ?? '')} >&2; exit ${a.exitCode ?? 0} ;;\n` : '';
  const script =
    '#!/bin/sh\n' +
    'input=$(cat)\n' +
    'stray=$(env | grep "^CNI_" | grep -v -E "^CNI_(COMMAND|CONTAINERID|NETNS|IFNAME|ARGS|PATH)=" | tr "\\n" " ")\n' +
    `printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$CNI_COMMAND" "$CNI_CONTAINERID" "$CNI_NETNS" "$CNI_IFNAME" "$CNI_ARGS" "$CNI_PATH" "$stray" "$input" >> ${q(log)}\n` +
    'case "$CNI_COMMAND" in\n' +
    branch('ADD', answers.ADD) +
    branch('DEL', answers.DEL) +
    branch('CHECK', answers.CHECK) +
    branch('VERSION', answers.VERSION) +
    '  *) exit 0 ;;\n' +
    'esac\n';
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return {
    path,
    calls() {
      let text = '';
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [command, containerId, netns, ifname, args, p, stray, stdin] = line.split('\t');
          return { command: command!, containerId: containerId!, netns: netns!, ifname: ifname!, args: args!, path: p!, stray: stray!.trim(), stdin: stdin ? (JSON.parse(stdin) as unknown) : undefined };
        });
    },
  };
}
