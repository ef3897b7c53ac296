/**
 * The node's routes applied for real, inside network namespaces of this test's own: two nodes
 * (A, B) on one link, a pod namespace behind A's bridge, and a "gateway" namespace that is A's
 * default route and counts what reaches it. Traffic stays inside these namespaces.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterNetwork, NetworkBackend } from '../../shared/cluster-network.js';
import { createNodeRoutes } from '../../agent/network/node/apply.js';
import { nftRunner } from '../../agent/network/services/nft.js';
import { createServiceRouter } from '../../agent/network/services/router.js';
import type { NodeNetworkFacts } from '../../agent/network/types.js';
import { netnsTools } from '../../agent/network/node/testing/tools.js';
import type { NetTools } from '../../agent/network/node/tools.js';
import { netnsSkipReason } from '../e2e/netns.js';

const id = process.pid;
const ns = { a: `noderoute-a-${id}`, b: `noderoute-b-${id}`, pod: `noderoute-pod-${id}`, gw: `noderoute-gw-${id}` };
const nodeA = { name: 'edge-a', ip: '192.0.2.11', podCIDR: '10.42.1.0/24' };
const nodeB = { name: 'edge-b', ip: '192.0.2.12', podCIDR: '10.42.2.0/24' };
const podIP = '10.42.1.5';
/** An address held by the gateway namespace, reached by A's default route only. */
const outside = '203.0.113.1';

function has(cmd: string, ...args: string[]): boolean {
  return spawnSync(cmd, args).status === 0;
}

function skipReason(): string | null {
  const netns = netnsSkipReason();
  if (netns) return netns;
  if (!has('busybox', 'true')) return 'needs busybox (ping)';
  if (!has('nft', '--version')) return 'needs nft';
  return null;
}

function sh(args: string[], ok = true): { status: number | null; out: string } {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 20_000 });
  if (ok && r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const ipIn = (n: string, ...args: string[]) => sh(['ip', '-n', n, ...args]).out;
const exec = (n: string, ...args: string[]) => sh(['ip', 'netns', 'exec', n, ...args], false);
const ping = (n: string, to: string, from?: string) => exec(n, 'busybox', 'ping', '-c', '1', '-W', '2', ...(from ? ['-I', from] : []), to).status === 0;

function network(backend: NetworkBackend, revision: number, nodes = [nodeA, nodeB]): ClusterNetwork {
  return {
    revision,
    clusterCIDR: '10.42.0.0/16',
    serviceCIDR: '10.43.0.0/16',
    clusterDNS: '10.43.0.10',
    clusterDomain: 'cluster.local',
    backend,
    nodePortRange: { min: 30000, max: 32767 },
    // A third node behind a router: host-gw cannot reach it and says so.
    nodes: [...nodes.map((n) => ({ name: n.name, podCIDR: n.podCIDR, internalIP: n.ip })), { name: 'edge-far', podCIDR: '10.42.3.0/24', internalIP: '198.18.0.3' }],
  };
}

/** netns tools that also record the commands that change something. */
function recording(n: string): NetTools & { batches: string[] } {
  const inner = netnsTools(n);
  const batches: string[] = [];
  return {
    batches,
    sysctl: inner.sysctl,
    run: (tool, args, stdin) => {
      if (args[0] === '-batch' || args[0] === 'link') batches.push(`${tool} ${args.join(' ')}\n${stdin ?? ''}`);
      return inner.run(tool, args, stdin);
    },
  };
}

const tools = { a: recording(ns.a), b: recording(ns.b) };
const logs: string[] = [];
const routes = new Map<NetTools, (n: ClusterNetwork) => Promise<NodeNetworkFacts | null>>();
/** Each node's routes as its agent keeps them. */
function apply(node: typeof nodeA, n: ClusterNetwork, t: NetTools): Promise<NodeNetworkFacts | null> {
  if (!routes.has(t)) routes.set(t, createNodeRoutes({ nodeName: node.name, nodeIPs: () => [node.ip], tools: t, log: (m) => logs.push(m) }));
  return routes.get(t)!(n);
}

async function applyBoth(n: ClusterNetwork): Promise<void> {
  await apply(nodeA, n, tools.a);
  await apply(nodeB, n, tools.b);
  // The pod's veth joins the bridge once A has one (the CNI bridge plugin's job in a real node).
  ipIn(ns.a, 'link', 'set', 'vethpod', 'master', 'kedge0', 'up');
}

function counter(name: string): number {
  const text = exec(ns.gw, 'nft', 'list', 'counter', 'ip', 'noderoute_sink', name).out;
  const m = /packets (\d+)/.exec(text);
  if (!m) throw new Error(`no counter ${name}: ${text}`);
  return Number(m[1]);
}

/** ICMP "destination unreachable" messages namespace `n` has sent. */
function unreachablesSent(n: string): number {
  const lines = exec(n, 'cat', '/proc/net/snmp').out.split('\n').filter((l) => l.startsWith('Icmp:'));
  const names = lines[0]!.split(/\s+/);
  return Number(lines[1]!.split(/\s+/)[names.indexOf('OutDestUnreachs')]);
}

/** A UDP echo on the cluster DNS address, port 53, as the cluster DNS binds it. */
const udpEcho = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (m, r) => s.send('echo:' + m, r.port, r.address));
s.bind({ address: '10.43.0.10', port: 53, exclusive: true }, () => console.log('ready'));`;
const udpAsk = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (m) => { console.log(String(m)); process.exit(0); });
s.send('hello', 53, '10.43.0.10');
setTimeout(() => process.exit(1), 3000);`;

/** A "pod" on node B: a TCP server on B's bridge address that names itself. */
const tcpServer = `require('node:net').createServer((s) => s.end('pod-b')).listen(8080, '10.42.2.1', () => console.log('ready'));`;
const tcpAsk = (ip: string) => `const c = require('node:net').connect(80, '${ip}');
let got = ''; c.on('data', (d) => (got += d)); c.on('end', () => { console.log(got); process.exit(0); });
c.on('error', (e) => { console.log(e.code); process.exit(0); });
setTimeout(() => { console.log('timeout'); process.exit(0); }, 5000);`;

function removeAll(): void {
  for (const n of Object.values(ns)) spawnSync('ip', ['netns', 'del', n]);
}

const skip = skipReason();

describe.skipIf(skip !== null)(`node routes in network namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(() => {
    removeAll();
    try {
      for (const n of Object.values(ns)) {
        sh(['ip', 'netns', 'add', n]);
        ipIn(n, 'link', 'set', 'lo', 'up');
      }
      // A and B share one link; A's uplink to the gateway carries its default route.
      ipIn(ns.a, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.b);
      ipIn(ns.a, 'addr', 'add', `${nodeA.ip}/24`, 'dev', 'eth0');
      ipIn(ns.b, 'addr', 'add', `${nodeB.ip}/24`, 'dev', 'eth0');
      ipIn(ns.a, 'link', 'add', 'uplink', 'type', 'veth', 'peer', 'name', 'gw0', 'netns', ns.gw);
      ipIn(ns.a, 'addr', 'add', '198.51.100.1/30', 'dev', 'uplink');
      ipIn(ns.gw, 'addr', 'add', '198.51.100.2/30', 'dev', 'gw0');
      ipIn(ns.gw, 'addr', 'add', `${outside}/32`, 'dev', 'lo');
      ipIn(ns.a, 'link', 'add', 'vethpod', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.pod);
      ipIn(ns.pod, 'addr', 'add', `${podIP}/24`, 'dev', 'eth0');
      for (const [n, dev] of [[ns.a, 'eth0'], [ns.b, 'eth0'], [ns.a, 'uplink'], [ns.gw, 'gw0'], [ns.pod, 'eth0']] as const) ipIn(n, 'link', 'set', 'dev', dev, 'up');
      ipIn(ns.a, 'route', 'add', 'default', 'via', '198.51.100.2');
      ipIn(ns.pod, 'route', 'add', 'default', 'via', '10.42.1.1');
      exec(ns.gw, 'sysctl', '-qw', 'net.ipv4.ip_forward=0');
      const rules = [
        'table ip noderoute_sink {',
        '  counter cluster {}',
        '  counter services {}',
        '  counter outside {}',
        '  chain in { type filter hook prerouting priority 0; policy accept;',
        '    ip daddr 10.42.0.0/16 counter name cluster',
        '    ip daddr 10.43.0.0/16 counter name services',
        `    ip daddr ${outside} counter name outside`,
        '  }',
        '}',
      ].join('\n');
      const r = spawnSync('ip', ['netns', 'exec', ns.gw, 'nft', '-f', '-'], { input: rules, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`nft: ${r.stderr}`);
    } catch (e) {
      removeAll();
      throw e;
    }
  });

  afterAll(() => {
    removeAll();
  });

  it('host-gw: routes each pod range via the other node, pods reach each other, and a second apply changes nothing', async () => {
    await applyBoth(network('host-gw', 1));
    expect(ipIn(ns.a, 'route', 'show', 'proto', '66')).toContain(`10.42.2.0/24 via ${nodeB.ip} dev eth0`);
    expect(ipIn(ns.b, 'route', 'show', 'proto', '66')).toContain(`10.42.1.0/24 via ${nodeA.ip} dev eth0`);
    expect(exec(ns.a, 'cat', '/proc/sys/net/ipv4/ip_forward').out.trim()).toBe('1');
    expect(logs.join('\n')).toMatch(/node edge-far: not routed, its address 198\.18\.0\.3 is not on a subnet of this node; host-gw needs all nodes on one L2 segment/);
    expect(ping(ns.pod, '10.42.2.1')).toBe(true);
    expect(ping(ns.a, '10.42.2.1', '10.42.1.1')).toBe(true);

    tools.a.batches.length = 0;
    const said = logs.length;
    await apply(nodeA, network('host-gw', 2), tools.a);
    expect(tools.a.batches).toEqual([]);
    // Nothing changed, so nothing is said again.
    expect(logs.slice(said)).toEqual([]);
  });

  it('the service range goes to kedge-svc, which holds the cluster DNS address', () => {
    expect(ipIn(ns.a, 'route', 'get', '10.43.7.7')).toMatch(new RegExp(`dev kedge-svc src ${nodeA.ip.replaceAll('.', '\\.')}`));
    expect(ipIn(ns.a, '-4', 'addr', 'show', 'dev', 'kedge-svc')).toContain('10.43.0.10/32');
    expect(ipIn(ns.a, 'route', 'get', '10.43.0.10')).toMatch(/^local 10\.43\.0\.10/);
  });

  it('a server can bind the cluster DNS address, and pods and the node reach it there', async () => {
    const echo = spawn('ip', ['netns', 'exec', ns.a, process.execPath, '-e', udpEcho], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        echo.stdout.once('data', () => resolve());
        echo.once('exit', (code) => reject(new Error(`the echo server exited with ${code}`)));
      });
      for (const from of [ns.pod, ns.a]) {
        const r = spawnSync('ip', ['netns', 'exec', from, process.execPath, '-e', udpAsk], { encoding: 'utf8', timeout: 10_000 });
        expect(r.stdout.trim()).toBe('echo:hello');
      }
    } finally {
      echo.kill();
    }
  });

  it("with the Service rules: the node and its pods reach a ClusterIP's endpoint on the other node, an unused service address is refused", async () => {
    const n = network('host-gw', 2);
    const facts = (await apply(nodeA, n, tools.a))!;
    const router = createServiceRouter({ table: 'noderoute', nft: nftRunner(['ip', 'netns', 'exec', ns.a, 'nft']) });
    const endpoint = { ip: '10.42.2.1', nodeName: nodeB.name, ready: true, ports: { http: 8080 } };
    await router.sync({ network: n, node: facts, localPods: [], services: [{ namespace: 'default', name: 'web', type: 'ClusterIP', clusterIP: '10.43.0.20', ports: [{ name: 'http', protocol: 'TCP', port: 80 }], endpoints: [endpoint] }] });
    const web = spawn('ip', ['netns', 'exec', ns.b, process.execPath, '-e', tcpServer], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        web.stdout.once('data', () => resolve());
        web.once('exit', (code) => reject(new Error(`the web server exited with ${code}`)));
      });
      // The node's own traffic takes the route to kedge-svc, is DNATed on output and answered at the node's address.
      for (const from of [ns.a, ns.pod]) expect(exec(from, process.execPath, '-e', tcpAsk('10.43.0.20')).out.trim()).toBe('pod-b');
      expect(exec(ns.a, process.execPath, '-e', tcpAsk('10.43.99.99')).out.trim()).toBe('ECONNREFUSED');
    } finally {
      web.kill();
    }
  });

  it('an unused address of the cluster or service range is rejected, never sent by the default route', () => {
    // The default route works: the gateway sees what is meant for it.
    const before = { cluster: counter('cluster'), services: counter('services'), outside: counter('outside') };
    expect(ping(ns.a, outside)).toBe(true);
    expect(counter('outside')).toBeGreaterThan(before.outside);

    const sent = unreachablesSent(ns.a);
    expect(ping(ns.pod, '10.42.200.5')).toBe(false); // forwarded for a pod: answered with "unreachable"
    expect(unreachablesSent(ns.a)).toBeGreaterThan(sent);
    expect(ping(ns.a, '10.42.200.6')).toBe(false); // the node's own traffic
    expect(sh(['ip', '-n', ns.a, 'route', 'get', '10.42.200.6'], false).out).toMatch(/unreachable|No route to host/);
    expect(ping(ns.a, '10.43.99.99')).toBe(false);
    expect(ping(ns.pod, '10.43.99.98')).toBe(false);
    expect(counter('cluster')).toBe(before.cluster);
    expect(counter('services')).toBe(before.services);
  });

  it('vxlan: the tunnel device carries pod traffic between the nodes', async () => {
    await applyBoth(network('vxlan', 3));
    const details = ipIn(ns.a, '-d', 'link', 'show', 'kedge.vxlan');
    expect(details).toMatch(/mtu 1450/);
    expect(details).toMatch(/vxlan id 1 local 192\.0\.2\.11 .*dstport 8472/);
    expect(details).toMatch(/nolearning/);
    expect(ipIn(ns.a, 'route', 'show', 'proto', '66')).toContain('10.42.2.0/24 via 10.42.2.0 dev kedge.vxlan onlink');
    expect(ipIn(ns.a, 'neigh', 'show', 'dev', 'kedge.vxlan')).toContain('10.42.2.0 lladdr 02:6b:0a:2a:02:00 PERMANENT');
    expect(exec(ns.a, 'bridge', 'fdb', 'show', 'dev', 'kedge.vxlan').out).toContain(`02:6b:0a:2a:02:00 dst ${nodeB.ip} self permanent`);

    const rx = () => Number(exec(ns.b, 'cat', '/sys/class/net/kedge.vxlan/statistics/rx_packets').out);
    const before = rx();
    expect(ping(ns.pod, '10.42.2.1')).toBe(true);
    expect(ping(ns.a, '10.42.2.1')).toBe(true); // the node itself, from its tunnel address
    expect(rx()).toBeGreaterThan(before);
    expect(ping(ns.a, '10.42.200.7')).toBe(false);
    expect(counter('cluster')).toBe(0);
  });

  it('back to host-gw, then a node leaves: the tunnel and the stale route go, routes not marked as kedge\'s stay', async () => {
    ipIn(ns.a, 'route', 'add', '198.18.5.0/24', 'via', nodeB.ip);
    await applyBoth(network('host-gw', 4));
    expect(sh(['ip', '-n', ns.a, 'link', 'show', 'kedge.vxlan'], false).status).not.toBe(0);
    expect(ipIn(ns.a, 'route', 'show', 'proto', '66')).toContain(`10.42.2.0/24 via ${nodeB.ip} dev eth0`);
    expect(ping(ns.pod, '10.42.2.1')).toBe(true);

    await apply(nodeA, network('host-gw', 5, [nodeA]), tools.a);
    const routes = ipIn(ns.a, 'route', 'show');
    expect(routes).not.toContain('10.42.2.0/24');
    expect(routes).toContain(`198.18.5.0/24 via ${nodeB.ip}`);
    expect(routes).toContain('default via 198.51.100.2');
    expect(routes).toContain('unreachable 10.42.0.0/16');
    expect(ping(ns.pod, '10.42.2.1')).toBe(false);
    expect(counter('cluster')).toBe(0);
  });
});
