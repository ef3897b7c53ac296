import { describe, expect, it } from 'vitest';
import { applyNodeNetwork, createNodeRoutes } from './apply.js';
import { testNetwork } from './testing/network.js';
import { fakeNetTools } from './testing/tools.js';

describe('applying the node network', () => {
  it('creates the devices one by one, then changes the rest in one ip batch and one bridge batch', async () => {
    const tools = fakeNetTools('192.0.2.11', { mtu: 1400 });
    const r = await applyNodeNetwork(testNetwork('vxlan'), { nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], tools, log: () => undefined });
    expect(r.facts).toMatchObject({ podCIDR: '10.42.1.0/24', mtu: 1350 });
    expect(r.warnings).toEqual([]);
    const changing = tools.commands.filter((c) => !c.startsWith('ip -j') && !c.startsWith('bridge -j')).map((c) => c.split('\n')[0]);
    expect(changing).toEqual([
      'ip link add kedge0 mtu 1350 type bridge',
      'ip link add kedge-svc type dummy',
      'ip link add kedge.vxlan address 02:6b:0a:2a:01:00 mtu 1350 type vxlan id 1 dstport 8472 local 192.0.2.11 nolearning',
      'ip -batch -',
      'bridge -batch -',
    ]);
    expect(tools.sysctls).toEqual({ 'net.ipv4.ip_forward': '1' });
  });

  it('makes the service device a bridge without ports on a kernel without dummy devices', async () => {
    const tools = fakeNetTools('192.0.2.11', { fail: (c) => (c.endsWith('type dummy') ? 'Error: Unknown device type.' : undefined) });
    const logs: string[] = [];
    await applyNodeNetwork(testNetwork('host-gw'), { nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], tools, log: (m) => logs.push(m) });
    expect(tools.commands).toContain('ip link add kedge-svc type bridge');
    expect(logs.join('\n')).toMatch(/no dummy devices \(CONFIG_DUMMY\): kedge-svc is a bridge without ports instead/);
  });

  it('passes on any other failure, naming the command', async () => {
    const tools = fakeNetTools('192.0.2.11', { fail: (c) => (c === 'ip -batch -' ? 'RTNETLINK answers: Operation not permitted' : undefined) });
    await expect(applyNodeNetwork(testNetwork('host-gw'), { nodeName: 'edge-1', nodeIPs: ['192.0.2.11'], tools, log: () => undefined })).rejects.toThrow(
      /ip -batch -: RTNETLINK answers: Operation not permitted/,
    );
  });

  it('is null without a pod range; says so when no interface holds the node address', async () => {
    const r = await applyNodeNetwork(testNetwork('host-gw'), { nodeName: 'edge-9', nodeIPs: ['192.0.2.19'], tools: fakeNetTools('192.0.2.19'), log: () => undefined });
    expect(r.facts).toBeNull();
    const wrongIp = await applyNodeNetwork(testNetwork('host-gw'), { nodeName: 'edge-1', nodeIPs: ['192.0.2.99'], tools: fakeNetTools('192.0.2.11'), log: () => undefined });
    expect(wrongIp.warnings[0]).toMatch(/no interface holds the node address 192\.0\.2\.99; assuming MTU 1500 \(check --node-ip\)/);
    expect(wrongIp.facts?.mtu).toBe(1500);
  });

  it('as the agent keeps it: warnings are logged when they change, not on every check', async () => {
    const logs: string[] = [];
    let ip = '192.0.2.11';
    const apply = createNodeRoutes({ nodeName: 'edge-1', nodeIPs: () => [ip], tools: fakeNetTools('192.0.2.11'), log: (m) => logs.push(m) });
    for (let i = 0; i < 3; i++) await apply(testNetwork('host-gw'));
    const warnings = () => logs.filter((l) => /not routed|no interface/.test(l));
    expect(warnings()).toEqual([expect.stringMatching(/^node network: node edge-3: not routed/)]);
    ip = '192.0.2.99';
    await apply(testNetwork('host-gw'));
    expect(warnings()).toHaveLength(3);
  });
});
