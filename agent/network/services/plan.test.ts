import { describe, expect, it } from 'vitest';
import { KedgeError } from '../../../shared/errors.js';
import { planRules, renderRules } from './plan.js';
import { testEndpoint as ep, testInput, testNetwork, testNode, testPod as pod, testService as svc } from './testing/inputs.js';

const elements = (input: Parameters<typeof planRules>[0], set: string) =>
  planRules(input).ruleset.sets.find((s) => s.name === set)!.elements.map((e) => (e.value === undefined ? e.key : `${e.key} : ${e.value}`));

describe('planRules', () => {
  it('refuses a network it cannot write, naming the field', () => {
    const cases: [Partial<ReturnType<typeof testNetwork>>, RegExp][] = [
      [{ clusterCIDR: '10.42.0.0' }, /^network\.clusterCIDR: "10\.42\.0\.0" is not an IPv4 CIDR$/],
      [{ serviceCIDR: '10.43.0.0/33' }, /^network\.serviceCIDR: /],
      [{ clusterDNS: 'fd00::10' }, /^network\.clusterDNS: "fd00::10" is not an IPv4 address$/],
    ];
    for (const [network, message] of cases) {
      const run = () => planRules({ ...testInput([]), network: testNetwork(network) });
      expect(run).toThrow(KedgeError);
      expect(run).toThrow(message);
    }
    expect(() => planRules(testInput([]), 'bad table')).toThrow(/^table: "bad table" is not an nftables table name$/);
  });

  it('leaves out a Service whose names could not be written safely, and says so', () => {
    const { ruleset, problems } = planRules(testInput([svc('web', '10.43.0.20', { namespace: 'Default;', endpoints: [ep('10.42.2.7')] }), svc('ok', '10.43.0.21')]));
    expect(problems).toEqual(['service Default;/web: namespace and name must be DNS labels; left out']);
    expect(ruleset.chains.some((c) => c.name.includes('Default'))).toBe(false);
  });

  it('gives a key two Services claim to the first (by namespace/name) and reports the other', () => {
    const lb = (name: string, ip: string) =>
      svc(name, ip, { type: 'LoadBalancer', loadBalancer: true, ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 30000 + Number(ip.split('.')[3]) }], endpoints: [ep('10.42.2.7')] });
    const { problems } = planRules(testInput([lb('b', '10.43.0.22'), lb('a', '10.43.0.21')]));
    expect(elements(testInput([lb('b', '10.43.0.22'), lb('a', '10.43.0.21')]), 'service-ips')).toContain('192.0.2.10 . tcp . 80 : goto ext-default/a/tcp/80');
    expect(problems).toEqual(['service default/b port tcp/80: 192.0.2.10 . tcp . 80 in service-ips is already used by service default/a port tcp/80; left out']);
  });

  it('answers NodePorts and LoadBalancer ports on every IPv4 node address, hostPorts too, and skips IPv6 ones quietly', () => {
    const input = testInput(
      [svc('lb', '10.43.0.20', { type: 'LoadBalancer', loadBalancer: true, ports: [{ name: '', protocol: 'TCP', port: 443, nodePort: 30443 }], endpoints: [ep('10.42.2.7')] })],
      [pod('10.42.1.5', { hostPorts: [{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }] })],
      { node: testNode({ nodeIPs: ['192.0.2.10', 'fd00::10', '198.51.100.10', '192.0.2.10'] }) },
    );
    const plan = planRules(input);
    expect(plan.problems).toEqual([]);
    expect(elements(input, 'nodeport-ips')).toEqual(['192.0.2.10', '198.51.100.10']);
    expect(elements(input, 'service-ips').filter((e) => e.includes('. 443 :'))).toEqual([
      '10.43.0.20 . tcp . 443 : goto svc-default/lb/tcp/443',
      '192.0.2.10 . tcp . 443 : goto ext-default/lb/tcp/443',
      '198.51.100.10 . tcp . 443 : goto ext-default/lb/tcp/443',
    ]);
    expect(elements(input, 'host-ports')).toEqual(['192.0.2.10 . tcp . 8080 : 10.42.1.5 . 80', '198.51.100.10 . tcp . 8080 : 10.42.1.5 . 80']);
  });

  it('a LoadBalancer without ServiceLB (no loadBalancer flag) is only a NodePort', () => {
    const input = testInput([svc('lb', '10.43.0.20', { type: 'LoadBalancer', ports: [{ name: '', protocol: 'TCP', port: 443, nodePort: 30443 }], endpoints: [ep('10.42.2.7')] })]);
    expect(elements(input, 'service-ips')).toEqual(['10.43.0.20 . tcp . 443 : goto svc-default/lb/tcp/443']);
    expect(elements(input, 'service-nodeports')).toEqual(['tcp . 30443 : goto ext-default/lb/tcp/443']);
  });

  it('does nothing for headless and ExternalName Services', () => {
    const script = renderRules(testInput([svc('h', 'None', { endpoints: [ep('10.42.2.7')] }), svc('x', undefined as unknown as string, { type: 'ExternalName', externalName: 'example.org' })]));
    expect(script).toBe(renderRules(testInput([])));
  });

  it('pairs each local pod address with itself for hairpin masquerade', () => {
    const input = testInput([svc('web', '10.43.0.20', { endpoints: [ep('10.42.1.9', { podUID: undefined })] })], [pod('10.42.1.10'), pod('10.42.1.5')]);
    expect(elements(input, 'hairpin')).toEqual(['10.42.1.5 . 10.42.1.5', '10.42.1.9 . 10.42.1.9', '10.42.1.10 . 10.42.1.10']);
  });
});
