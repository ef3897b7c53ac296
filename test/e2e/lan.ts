/**
 * A small LAN of network namespaces for multi-node network tests: a bridge on the host (the server
 * listens on its address), one namespace per node joined to it by a veth pair, and a "sink"
 * namespace that every node uses as its default gateway and that forwards nothing: whatever a node
 * sends by its default route ends there, counted, and goes no further. All addresses are one
 * link-local /24 that exists on this bridge alone.
 */
import { spawnSync } from 'node:child_process';

export interface LanNode {
  name: string;
  ns: string;
  address: string;
}

export interface Lan {
  bridge: string;
  hostAddress: string;
  prefix: number;
  nodes: LanNode[];
  sink: LanNode;
  /** Packets the sink received for `cidr` (by its nft counter). */
  sinkPackets(cidr: string): number;
  /** Runs a command inside a node's namespace. */
  exec(node: LanNode, args: string[], timeoutMs?: number): { code: number; stdout: string; stderr: string };
  remove(): void;
}

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000, input });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** Creates the LAN; `tag` keeps the names of parallel tests apart (at most 5 characters). */
export function createLan(tag: string, nodeNames: string[]): Lan {
  const id = `${tag}${process.pid % 1000}`;
  const bridge = `kb${id}`.slice(0, 15);
  let third: number | undefined;
  for (let i = 0; i < 50 && third === undefined; i++) {
    const t = 100 + ((process.pid + i) % 50);
    if (run('ip', ['-4', '-o', 'addr', 'show', 'to', `169.254.${t}.0/24`]).trim() === '') third = t;
  }
  if (third === undefined) throw new Error('no free 169.254.x.0/24 for the test LAN');
  const base = `169.254.${third}`;
  const hostAddress = `${base}.1`;
  const made: { ns: string[]; links: string[] } = { ns: [], links: [bridge] };
  const remove = () => {
    for (const l of made.links) spawnSync('ip', ['link', 'del', l]);
    for (const ns of made.ns) spawnSync('ip', ['netns', 'del', ns]);
  };
  const join = (name: string, ns: string, address: string): LanNode => {
    const hostIf = `kv${id}${made.ns.length}`.slice(0, 15);
    run('ip', ['netns', 'add', ns]);
    made.ns.push(ns);
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    made.links.push(hostIf);
    run('ip', ['link', 'set', hostIf, 'master', bridge, 'up']);
    run('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return { name, ns, address };
  };
  try {
    run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `${hostAddress}/24`, 'dev', bridge]);
    run('ip', ['link', 'set', bridge, 'up']);
    const sink = join('sink', `kedge-${id}-sink`, `${base}.254`);
    // The sink forwards nothing and counts what it gets for the cluster's ranges.
    run('ip', ['netns', 'exec', sink.ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    run('ip', ['netns', 'exec', sink.ns, 'nft', '-f', '-'], [
      'table ip sink {',
      '  chain pre { type filter hook prerouting priority -300; policy accept;',
      '    ip daddr 10.42.0.0/16 counter name c42 drop',
      '    ip daddr 10.43.0.0/16 counter name c43 drop',
      '    ip daddr 10.0.0.0/8 counter name c10 drop',
      '  }',
      '  counter c42 {}', '  counter c43 {}', '  counter c10 {}',
      '}',
    ].join('\n'));
    const nodes = nodeNames.map((n, i) => join(n, `kedge-${id}-${n}`, `${base}.${10 + i}`));
    for (const n of nodes) run('ip', ['-n', n.ns, 'route', 'add', 'default', 'via', sink.address]);
    return {
      bridge, hostAddress, prefix: 24, nodes, sink,
      sinkPackets(cidr: string) {
        const name = cidr.startsWith('10.42.') ? 'c42' : cidr.startsWith('10.43.') ? 'c43' : 'c10';
        const out = run('ip', ['netns', 'exec', sink.ns, 'nft', 'list', 'counter', 'ip', 'sink', name]);
        return Number(/packets (\d+)/.exec(out)?.[1] ?? NaN);
      },
      exec(node, args, timeoutMs = 15_000) {
        const r = spawnSync('ip', ['netns', 'exec', node.ns, ...args], { encoding: 'utf8', timeout: timeoutMs });
        return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
      },
      remove,
    };
  } catch (e) {
    remove();
    throw e;
  }
}
