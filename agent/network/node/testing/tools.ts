import { runCommand, type NetTools } from '../tools.js';

/**
 * NetTools for tests that must not touch any real network: `ip -j -d addr show` reports one
 * uplink holding `nodeIP`, kedge's routes and tunnel entries are always absent, every command
 * is recorded, and `fail` makes the commands it names fail with its message.
 */
export function fakeNetTools(nodeIP: string, o: { mtu?: number; fail?: (command: string) => string | undefined } = {}): NetTools & { commands: string[]; sysctls: Record<string, string> } {
  const commands: string[] = [];
  const sysctls: Record<string, string> = {};
  const uplink = [{ ifname: 'eth0', flags: ['UP'], mtu: o.mtu ?? 1500, address: '02:00:00:00:00:01', addr_info: [{ family: 'inet', local: nodeIP, prefixlen: 24 }] }];
  return {
    commands,
    sysctls,
    async run(tool, args, stdin) {
      const command = [tool, ...args].join(' ');
      commands.push(command + (stdin ? `\n${stdin}` : ''));
      const failure = o.fail?.(command);
      if (failure) throw new Error(`${command}: ${failure}`);
      if (tool === 'ip' && args.join(' ') === '-j -d addr show') return JSON.stringify(uplink);
      return args[0] === '-j' ? '[]' : '';
    },
    async sysctl(key, value) {
      sysctls[key] = value;
    },
  };
}

/** The real tools inside network namespace `ns`, for tests that route in namespaces of their own. */
export function netnsTools(ns: string): NetTools {
  return {
    run: (tool, args, stdin) => runCommand('ip', ['netns', 'exec', ns, tool, ...args], stdin),
    sysctl: async (key, value) => void (await runCommand('ip', ['netns', 'exec', ns, 'sh', '-c', `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`])),
  };
}
