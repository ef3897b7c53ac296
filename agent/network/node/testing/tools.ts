import type { NetTools } from '../tools.js';

/**
 * NetTools for tests that must not touch any real network: `ip -j -d addr show` reports one
 * uplink holding `nodeIP`, kedge's routes and tunnel entries are always absent, and every command
 * is recorded.
 */
export function fakeNetTools(nodeIP: string, mtu = 1500): NetTools & { commands: string[]; sysctls: Record<string, string> } {
  const commands: string[] = [];
  const sysctls: Record<string, string> = {};
  const uplink = [{ ifname: 'eth0', flags: ['UP'], mtu, address: '02:00:00:00:00:01', addr_info: [{ family: 'inet', local: nodeIP, prefixlen: 24 }] }];
  return {
    commands,
    sysctls,
    async run(tool, args, stdin) {
      commands.push([tool, ...args].join(' ') + (stdin ? `\n${stdin}` : ''));
      if (tool === 'ip' && args.join(' ') === '-j -d addr show') return JSON.stringify(uplink);
      return args[0] === '-j' ? '[]' : '';
    },
    async sysctl(key, value) {
      sysctls[key] = value;
    },
  };
}
