import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../flags/args.js';
import { agentConfigFromArgs, agentFlags } from './agent.js';

const token = `K10${'ab'.repeat(32)}::node:0123456789abcdef0123`;
const host = { cwd: '/work', hostname: 'Pi-2' };
const files: Record<string, string> = { '/work/token': `${token}\n`, '/work/empty': '\n' };
const readFile = (f: string) => {
  if (f in files) return files[f]!;
  throw new Error(`ENOENT: no such file, open '${f}'`);
};
const cfg = (argv: string[], env: Record<string, string> = {}) => agentConfigFromArgs(parseArgs(argv, agentFlags, { command: 'kedge agent', env }), host, readFile);

describe('agentConfigFromArgs', () => {
  it('builds the config from flags with defaults', () => {
    expect(cfg(['--server', 'https://pi:6443', '--token', token])).toEqual({
      server: 'https://pi:6443',
      token,
      nodeName: 'pi-2',
      dataDir: '/var/lib/kedge/agent',
      nodeLabels: {},
    });
  });

  it('reads KEDGE_* variables and a token file', () => {
    const c = cfg([], { KEDGE_URL: 'https://10.0.0.1:6443', KEDGE_TOKEN_FILE: 'token', KEDGE_NODE_NAME: 'n1', KEDGE_DATA_DIR: '/d', KEDGE_CONTAINERD_ADDRESS: '/c.sock', KEDGE_NODE_LABELS: 'a=1,b=2', KEDGE_NODE_IP: '192.168.1.21' });
    expect(c).toEqual({ server: 'https://10.0.0.1:6443', token, nodeName: 'n1', dataDir: '/d', containerdAddress: '/c.sock', nodeIP: '192.168.1.21', nodeLabels: { a: '1', b: '2' } });
    expect(cfg(['--server', 'https://pi:6443', '--token', token, '--node-ip', '192.168.1.22']).nodeIP).toBe('192.168.1.22');
  });

  it('names what is missing or wrong', () => {
    expect(() => cfg(['--token', token])).toThrow('--server is required');
    expect(() => cfg(['--server', 'https://pi:6443'])).toThrow('--token or --token-file is required');
    expect(() => cfg(['--server', 'http://pi:6443', '--token', token])).toThrow('--server: "http://pi:6443" must start with https://');
    expect(() => cfg([], { KEDGE_URL: 'ftp://x', KEDGE_TOKEN: token })).toThrow('KEDGE_URL');
    expect(() => cfg(['--server', 'https://pi:6443', '--token', 'nope'])).toThrow('token: malformed join token');
    expect(() => cfg(['--server', 'https://pi:6443', '--token-file', 'missing'])).toThrow('--token-file: cannot read /work/missing');
    expect(() => cfg(['--server', 'https://pi:6443', '--token-file', 'empty'])).toThrow('--token-file: /work/empty is empty');
    expect(() => cfg(['--server', 'https://pi:6443', '--token', token, '--node-ip', 'pi.local'])).toThrow('--node-ip: "pi.local" is not an IPv4 address');
    expect(() => cfg(['--server', 'https://pi:6443', '--token', token], { KEDGE_NODE_IP: 'fe80::1' })).toThrow('KEDGE_NODE_IP: "fe80::1" is not an IPv4 address');
  });
});
