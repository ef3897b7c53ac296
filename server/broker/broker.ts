import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import { KedgeError } from '../../shared/errors.js';
import { parseTopic } from '../../shared/topics.js';
import { clientIdAllowed, publishDenied, subscribeDenied, validNodeName } from './acl.js';
import { guardPacketSize } from './packet-guard.js';
import { createLogThrottle, createNodeRateLimiter } from './rate-limit.js';
import type { Broker, BrokerOptions } from './types.js';

/** Messages above this size from a node are dropped: no kedge message comes near it. */
export const maxNodePayloadBytes = 256 * 1024;

/** Connections announcing a bigger packet are closed before it is buffered: the payload cap plus a topic's worth. */
export const maxPacketBytes = maxNodePayloadBytes + 64 * 1024;

/**
 * Denied publishes are rerouted here. MQTT 3.1.1 lets a server either acknowledge an unauthorised
 * PUBLISH and discard it or close the connection (MQTT-3.3.5-2); aedes only offers closing, so the
 * packet is emptied and sent to a topic no node may subscribe to, and never reaches the handlers.
 */
const sinkTopic = '$kedge/dropped';

export interface BrokerStats {
  refusedConnections: number;
  deniedPublishes: number;
  deniedSubscriptions: number;
  oversizedPayloads: number;
  /** Publishes dropped by the per-node rate limit. */
  rateLimited: number;
  /** Connections closed because a packet header announced more than maxPacketBytes (or was malformed). */
  oversizedPackets: number;
}

/** An aedes broker on a TLS listener, one MQTT identity per node, each confined to its own topics. */
export async function startBroker(opts: BrokerOptions): Promise<Broker & { readonly stats: Readonly<BrokerStats>; connectedNodes(): number }> {
  const log = opts.log ?? (() => {});
  const stats: BrokerStats = { refusedConnections: 0, deniedPublishes: 0, deniedSubscriptions: 0, oversizedPayloads: 0, rateLimited: 0, oversizedPackets: 0 };
  const nodeOf = new WeakMap<Client, string>();
  const nodeOfSocket = new WeakMap<object, string>();
  const limiter = createNodeRateLimiter({ limit: opts.rateLimit, log, onDrop: () => stats.rateLimited++ });
  const logDropped = createLogThrottle({ log });
  const live = new Map<string, Set<Client>>();
  // Once closing, the broker drops every client; those are not node outages and must not be reported as such.
  let closing = false;

  const refuse = (returnCode: 2 | 4 | 5, message: string): AuthenticateError =>
    Object.assign(new Error(message), { returnCode: returnCode as AuthenticateError['returnCode'] });

  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const from = (client.conn as Socket).remoteAddress ?? 'unknown address';
      if (!validNodeName(username)) {
        stats.refusedConnections++;
        log(`mqtt: refused client ${client.id} from ${from}: username must be a node name, got "${username ?? ''}"`);
        return done(refuse(4, 'bad user name or password'), false);
      }
      if (!clientIdAllowed(username, client.id)) {
        stats.refusedConnections++;
        log(`mqtt: refused node ${username} from ${from}: client id "${client.id}" must be "${username}" or "${username}:<suffix>"`);
        return done(refuse(2, 'identifier rejected'), false);
      }
      let ok = false;
      try {
        ok = opts.authenticate(username, password?.toString('utf8') ?? '');
      } catch (e) {
        log(`mqtt: checking the credentials of node ${username} failed: ${(e as Error).message}`);
      }
      if (!ok) {
        stats.refusedConnections++;
        log(`mqtt: refused node ${username} from ${from}: bad credentials`);
        return done(refuse(5, 'not authorized'), false);
      }
      nodeOf.set(client, username);
      nodeOfSocket.set(client.conn, username);
      done(null, true);
    },

    authorizePublish(client, packet, done) {
      const node = client ? nodeOf.get(client) : undefined;
      // A flood is dropped before anything else looks at it (and logged once per interval); the last will always passes.
      if (node && !client!.closed && !limiter.allow(node)) {
        packet.topic = sinkTopic;
        packet.retain = false;
        packet.payload = Buffer.alloc(0);
        return done(null);
      }
      const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
      const reason = !node
        ? 'not from an authenticated node'
        : (publishDenied(node, packet.topic) ??
          (size > maxNodePayloadBytes ? `payload of ${size} bytes exceeds ${maxNodePayloadBytes}` : null));
      if (reason) {
        if (size > maxNodePayloadBytes) stats.oversizedPayloads++;
        else stats.deniedPublishes++;
        logDropped(`${node ?? '?'} ${size > maxNodePayloadBytes ? 'oversized' : reason}`, `mqtt: dropped a publish from node ${node ?? '?'} to ${packet.topic}: ${reason}`);
        packet.topic = sinkTopic;
        packet.retain = false;
        packet.payload = Buffer.alloc(0);
      }
      done(null);
    },

    authorizeSubscribe(client, sub, done) {
      const node = nodeOf.get(client);
      const reason = node ? subscribeDenied(node, sub.topic) : 'not an authenticated node';
      if (reason) {
        stats.deniedSubscriptions++;
        log(`mqtt: refused a subscription of node ${node ?? '?'} to ${sub.topic}: ${reason}`);
        return done(null, null); // SUBACK carries 128 for this topic; the client stays connected
      }
      done(null, sub);
    },

    // Called for every delivered publish, the last will included; server publishes have no client.
    published(packet, client, done) {
      const node = client ? nodeOf.get(client) : undefined;
      const parsed = node && packet.topic !== sinkTopic ? parseTopic(packet.topic) : null;
      if (!closing && node && parsed && parsed.node === node) {
        const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
        try {
          opts.onNodeMessage(node, parsed.kind, payload, packet.topic);
        } catch (e) {
          log(`mqtt: handling ${packet.topic} from node ${node} failed: ${(e as Error).message}`);
        }
      }
      done(null);
    },
  });

  const report = (node: string, connected: boolean) => {
    if (closing || !opts.onNodeConnection) return;
    try {
      opts.onNodeConnection(node, connected);
    } catch (e) {
      log(`mqtt: handling the ${connected ? 'connection' : 'disconnection'} of node ${node} failed: ${(e as Error).message}`);
    }
  };
  aedes.on('clientReady', (client) => {
    const node = nodeOf.get(client);
    if (!node) return;
    const clients = live.get(node) ?? new Set<Client>();
    clients.add(client);
    live.set(node, clients);
    if (clients.size === 1) report(node, true);
  });
  aedes.on('clientDisconnect', (client) => {
    const node = nodeOf.get(client);
    const clients = node ? live.get(node) : undefined;
    if (!node || !clients?.delete(client)) return;
    if (clients.size === 0) {
      live.delete(node);
      report(node, false);
    }
  });
  aedes.on('clientError', (client, err) => log(`mqtt: client ${client.id} (node ${nodeOf.get(client) ?? '?'}): ${err.message}`));
  aedes.on('connectionError', (client, err) => log(`mqtt: connection from ${(client.conn as Socket).remoteAddress ?? '?'}: ${err.message}`));
  // aedes emits 'error' when its persistence fails; without a listener that would crash the server
  (aedes as NodeJS.EventEmitter).on('error', (err: Error) => log(`mqtt: broker error: ${err.message}`));

  const sockets = new Set<Socket>();
  const server = tls.createServer({ key: opts.tls.key, cert: opts.tls.cert, ...(opts.tls.ca ? { ca: opts.tls.ca } : {}), minVersion: 'TLSv1.2' }, (socket) => {
    aedes.handle(socket);
    // After handle(): the guard only watches the chunks aedes reads.
    guardPacketSize(socket, maxPacketBytes, (problem) => {
      stats.oversizedPackets++;
      const who = nodeOfSocket.get(socket) ? `node ${nodeOfSocket.get(socket)}` : `an unauthenticated client at ${socket.remoteAddress ?? '?'}`;
      const why = 'tooLarge' in problem ? `a packet of ${problem.tooLarge} bytes exceeds ${maxPacketBytes}` : `malformed packet header (${problem.malformed})`;
      log(`mqtt: closed the connection of ${who}: ${why}`);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (err, socket) => log(`mqtt: TLS handshake with ${socket.remoteAddress ?? '?'} failed: ${err.message}`));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await new Promise<void>((r) => aedes.close(() => r()));
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is already in use' : code === 'EADDRNOTAVAIL' ? 'no such local address' : (e as Error).message;
    throw new KedgeError('ServiceUnavailable', `--mqtt-port ${opts.port}: cannot listen on ${opts.host}:${opts.port}: ${why}`, { cause: e });
  }
  server.on('error', (err) => log(`mqtt: listener error: ${err.message}`));
  const port = (server.address() as AddressInfo).port;
  log(`mqtt: listening on ${opts.host}:${port} (TLS)`);

  return {
    port,
    stats,
    connectedNodes: () => live.size,
    publish(topic, payload, o) {
      const packet: PublishPacket = {
        cmd: 'publish',
        topic,
        payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
        qos: o.qos,
        retain: o.retain,
        dup: false,
      };
      return new Promise<void>((resolve, reject) =>
        aedes.publish(packet, (err) => (err ? reject(new KedgeError('InternalError', `mqtt: publishing to ${topic} failed: ${err.message}`, { cause: err })) : resolve())),
      );
    },
    disconnect(node) {
      for (const client of live.get(node) ?? []) client.close();
    },
    async close() {
      if (closing) return;
      closing = true;
      const listenerClosed = new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
      for (const socket of sockets) socket.destroy(); // connections still in their TLS handshake
      await listenerClosed;
    },
  };
}
