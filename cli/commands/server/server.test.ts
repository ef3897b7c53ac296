import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../flags/args.js';
import { controlPlaneLabel, serverConfigFromArgs, serverFlags } from './server.js';

const host = { isRoot: true, home: '/root', cwd: '/srv', hostname: 'Pi-Server.local' };
const cfg = (argv: string[], env: Record<string, string> = {}, h = host) => serverConfigFromArgs(parseArgs(argv, serverFlags, { command: 'kedge server', env }), h);

describe('serverConfigFromArgs', () => {
  it('fills the documented defaults', () => {
    expect(cfg([])).toEqual({
      dataDir: '/var/lib/kedge/server',
      bindAddress: '0.0.0.0',
      httpsPort: 6443,
      mqttPort: 8883,
      tlsSans: [],
      nodeName: 'pi-server',
      disableAgent: false,
      network: { clusterCIDR: '10.42.0.0/16', serviceCIDR: '10.43.0.0/16', clusterDNS: '10.43.0.10', clusterDomain: 'cluster.local', nodePortRange: { min: 30000, max: 32767 }, backend: 'host-gw' },
      agent: { nodeLabels: { [controlPlaneLabel]: 'true' }, dataDir: '/var/lib/kedge/agent' },
    });
    const user = cfg([], {}, { ...host, isRoot: false, home: '/home/pi' });
    expect(user.dataDir).toBe('/home/pi/.kedge/server');
    expect(user.agent?.dataDir).toBe('/home/pi/.kedge/agent');
  });

  it('takes flags, then KEDGE_* variables', () => {
    const env = { KEDGE_HTTPS_PORT: '7443', KEDGE_TLS_SAN: 'pi.lan,10.0.0.5', KEDGE_DISABLE_AGENT: 'true', KEDGE_NODE_LABELS: 'zone=garage', KEDGE_DATA_DIR: 'state' };
    const c = cfg(['--mqtt-port=9883', '--node-name', 'edge-1', '--containerd-address', '/run/c.sock', '--agent-data-dir', '/a', '--node-ip', '192.168.1.20'], env);
    expect(c).toMatchObject({
      dataDir: '/srv/state',
      httpsPort: 7443,
      mqttPort: 9883,
      tlsSans: ['pi.lan', '10.0.0.5'],
      nodeName: 'edge-1',
      disableAgent: true,
      agent: { containerdAddress: '/run/c.sock', nodeIP: '192.168.1.20', nodeLabels: { [controlPlaneLabel]: 'true', zone: 'garage' }, dataDir: '/a' },
    });
    expect(cfg(['--https-port', '8443'], env).httpsPort).toBe(8443);
    expect(cfg(['--pod-eviction-timeout', '1m30s']).podEvictionTimeoutMs).toBe(90_000);
    expect(cfg([], { KEDGE_POD_EVICTION_TIMEOUT: '5s' }).podEvictionTimeoutMs).toBe(5_000);
    const net = cfg(['--cluster-cidr', '10.50.0.0/16', '--service-cidr=10.51.0.0/16', '--network-backend', 'vxlan'], { KEDGE_CLUSTER_DOMAIN: 'edge.lan', KEDGE_SERVICE_NODE_PORT_RANGE: '31000-31999' }).network;
    expect(net).toEqual({ clusterCIDR: '10.50.0.0/16', serviceCIDR: '10.51.0.0/16', clusterDNS: '10.51.0.10', clusterDomain: 'edge.lan', nodePortRange: { min: 31000, max: 31999 }, backend: 'vxlan' });
  });

  it('names the flag or variable at fault', () => {
    expect(() => cfg(['--https-port', '70000'])).toThrow('--https-port: "70000" is not a port');
    expect(() => cfg([], { KEDGE_MQTT_PORT: 'x' })).toThrow('KEDGE_MQTT_PORT: "x" is not a port');
    expect(() => cfg(['--node-name', 'Bad_Name'])).toThrow('--node-name: "Bad_Name" is not a valid node name');
    expect(() => cfg([], {}, { ...host, hostname: 'under_score' })).toThrow('host name (pass --node-name): "under_score"');
    expect(() => cfg(['--bind-address', 'everywhere'])).toThrow('--bind-address: "everywhere" is not an IP address');
    expect(() => cfg(['--tls-san', 'a b'])).toThrow('--tls-san: "a b" is not a host name or IP');
    expect(() => cfg(['--node-label', 'novalue'])).toThrow('--node-label: "novalue" is not a label');
    expect(() => cfg([], { KEDGE_NODE_IP: '192.168.1' })).toThrow('KEDGE_NODE_IP: "192.168.1" is not an IPv4 address');
    expect(() => cfg(['extra'])).toThrow('kedge server takes no arguments');
    expect(() => cfg([], { KEDGE_POD_EVICTION_TIMEOUT: '20' })).toThrow('KEDGE_POD_EVICTION_TIMEOUT: "20" is not a duration');
    expect(() => cfg(['--cluster-cidr', '10.42.0.0'])).toThrow('--cluster-cidr: "10.42.0.0" is not an IPv4 range');
    expect(() => cfg([], { KEDGE_CLUSTER_DNS: '10.42.0.10' })).toThrow('KEDGE_CLUSTER_DNS: "10.42.0.10" must be an address of the service range');
  });
});
