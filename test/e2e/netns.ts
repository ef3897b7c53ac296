/**
 * A network namespace joined to the host by a veth pair, for partition tests. Traffic only ever goes
 * between the two addresses of one private /30 that exists on this pair alone (169.254.x.y, link-local).
 */
import { spawnSync } from 'node:child_process';

export interface NetnsLink {
  ns: string;
  hostIf: string;
  nsIf: string;
  hostAddress: string;
  nsAddress: string;
  /** `ip link set <host side> down`: the namespace loses the server. */
  cut(): void;
  heal(): void;
  /** Removes the namespace (and with it the veth pair). */
  remove(): void;
}

function ip(args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** Why netns tests cannot run here, or null. */
export function netnsSkipReason(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'needs iproute2 with netns support';
  return null;
}

/** Creates `kedge-e2e-<pid>` with a veth pair whose /30 is not in use anywhere on this host. */
export function createNetnsLink(): NetnsLink {
  const id = process.pid;
  const ns = `kedge-e2e-${id}`;
  const hostIf = `kh${id}`.slice(0, 15);
  const nsIf = `kn${id}`.slice(0, 15);
  let subnet: number | undefined;
  for (let i = 0; i < 64 && subnet === undefined; i++) {
    const third = 200 + ((id + i) % 50);
    const fourth = (((id >> 6) + i) % 64) * 4;
    if (ip(['-4', '-o', 'addr', 'show', 'to', `169.254.${third}.${fourth}/30`]).trim() === '') subnet = (third << 8) | fourth;
  }
  if (subnet === undefined) throw new Error('no free 169.254.x.y/30 for the test veth pair');
  const base = `169.254.${subnet >> 8}`;
  const hostAddress = `${base}.${(subnet & 0xff) + 1}`;
  const nsAddress = `${base}.${(subnet & 0xff) + 2}`;

  ip(['netns', 'add', ns]);
  try {
    ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    ip(['link', 'set', nsIf, 'netns', ns]);
    ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostIf]);
    ip(['link', 'set', hostIf, 'up']);
    ip(['-n', ns, 'addr', 'add', `${nsAddress}/30`, 'dev', nsIf]);
    ip(['-n', ns, 'link', 'set', nsIf, 'up']);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    spawnSync('ip', ['link', 'del', hostIf]);
    spawnSync('ip', ['netns', 'del', ns]);
    throw e;
  }
  return {
    ns, hostIf, nsIf, hostAddress, nsAddress,
    cut: () => void ip(['link', 'set', hostIf, 'down']),
    heal: () => void ip(['link', 'set', hostIf, 'up']),
    remove() {
      spawnSync('ip', ['link', 'del', hostIf]);
      spawnSync('ip', ['netns', 'del', ns]);
    },
  };
}
