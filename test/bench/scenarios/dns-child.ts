/**
 * Child entry of the dns scenario, `node dns-child.mjs MODE SERVICES ENDPOINTS`: MODE `dns` starts the
 * agent's cluster DNS on 127.0.0.1 with that many Services; MODE `echo` a bare UDP echo, the floor
 * any node process pays per datagram. Prints `{"port":…}` and runs until stdin closes.
 */
import { createSocket } from 'node:dgram';
import { startClusterDns } from '../../../agent/network/dns/server.js';
import { dnsWorkload } from './dns-workload.js';

const [mode, services, endpoints] = process.argv.slice(2);

async function listen(): Promise<{ port: number; close: () => Promise<void> }> {
  if (mode === 'echo') {
    const socket = createSocket('udp4');
    socket.on('message', (msg, from) => socket.send(msg, from.port, from.address));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    return { port: socket.address().port, close: async () => void socket.close() };
  }
  const dns = await startClusterDns({ address: '127.0.0.1', port: 0, domain: 'cluster.local', upstreams: [], log: (m) => process.stderr.write(`${m}\n`) });
  dns.update({ ...dnsWorkload(Number(services), Number(endpoints)), localPods: [] });
  return dns;
}

const server = await listen();
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
