import { describe, expect, it } from 'vitest';
import { defaultNetworkSettings, parseNetworkSettings } from './settings.js';

describe('parseNetworkSettings', () => {
  it('has K3s defaults', () => {
    expect(parseNetworkSettings({})).toEqual({
      clusterCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
      clusterDNS: '10.43.0.10',
      clusterDomain: 'cluster.local',
      nodePortRange: { min: 30000, max: 32767 },
      backend: 'host-gw',
    });
    expect(parseNetworkSettings({})).toEqual(defaultNetworkSettings);
  });

  it('takes every flag; the DNS address follows the service range unless given', () => {
    const s = parseNetworkSettings({
      'cluster-cidr': '172.20.0.0/14',
      'service-cidr': '172.30.0.0/20',
      'cluster-domain': 'edge.example.',
      'service-node-port-range': '31000-31999',
      'network-backend': 'vxlan',
    });
    expect(s).toEqual({
      clusterCIDR: '172.20.0.0/14',
      serviceCIDR: '172.30.0.0/20',
      clusterDNS: '172.30.0.10',
      clusterDomain: 'edge.example',
      nodePortRange: { min: 31000, max: 31999 },
      backend: 'vxlan',
    });
    expect(parseNetworkSettings({ 'cluster-dns': '10.43.0.53' }).clusterDNS).toBe('10.43.0.53');
  });

  it.each([
    [{ 'cluster-cidr': '10.42.0.1/16' }, '--cluster-cidr: "10.42.0.1/16" is not an IPv4 range'],
    [{ 'cluster-cidr': 'fd00::/48' }, 'only IPv4 is supported'],
    [{ 'cluster-cidr': '10.42.0.0/25' }, 'each node gets a /24'],
    [{ 'service-cidr': '10.0.0.0/8' }, '--service-cidr: "10.0.0.0/8" is too large'],
    [{ 'service-cidr': '10.43.0.0/30' }, 'is too small'],
    [{ 'service-cidr': '10.42.128.0/24' }, 'overlap'],
    [{ 'cluster-dns': '10.44.0.10' }, '--cluster-dns: "10.44.0.10" must be an address of the service range 10.43.0.0/16'],
    [{ 'cluster-dns': '10.43.0.1' }, 'other than its first two'],
    [{ 'cluster-dns': 'dns' }, 'is not an IPv4 address'],
    [{ 'cluster-domain': 'Cluster_Local' }, '--cluster-domain: "Cluster_Local" is not a DNS domain'],
    [{ 'service-node-port-range': '32767-30000' }, '--service-node-port-range: "32767-30000" is not a port range'],
    [{ 'service-node-port-range': '30000' }, 'is not a port range'],
    [{ 'service-node-port-range': '0-100' }, 'is not a port range'],
    [{ 'network-backend': 'wireguard' }, '--network-backend: "wireguard" is not a network backend; use host-gw or vxlan'],
  ])('refuses %j naming the flag', (values, message) => {
    expect(() => parseNetworkSettings(values)).toThrow(message);
  });

  it('names the variable a value came from', () => {
    expect(() => parseNetworkSettings({ 'network-backend': 'x' }, (f) => `KEDGE_${f.toUpperCase().replaceAll('-', '_')}`)).toThrow('KEDGE_NETWORK_BACKEND: "x"');
  });
});
