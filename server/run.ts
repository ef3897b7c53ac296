import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Node } from '../shared/node.js';
import { createApi } from './api/app.js';
import { execUpgradeHandler } from './api/exec-websocket.js';
import { createDistribution } from './api/distribution.js';
import { serveApi } from './api/serve.js';
import { ensureSystemNamespaces } from './api/namespaces.js';
import { apiAddress } from './bootstrap/api-address.js';
import { prepareDataDir } from './bootstrap/data-dir.js';
import { joinCommand, writeKubeconfig } from './bootstrap/kubeconfig.js';
import { checkPermissions, ensurePrivateFile, serverPrivatePaths } from './bootstrap/permissions.js';
import { ensureSecrets } from './bootstrap/secrets.js';
import { serverUrl } from './bootstrap/server-url.js';
import { startBroker } from './broker/broker.js';
import type { ServerConfig } from './config.js';
import { startControllers } from './controllers/manager.js';
import { createEventRecorder } from './events/recorder.js';
import { secretEquals, sha256Hex } from './nodes/credentials.js';
import { createNodeMessageDispatcher } from './nodes/dispatch.js';
import { createJoinHandler } from './nodes/join.js';
import { createNodeTracker } from './nodes/tracker.js';
import { ensurePki } from './pki/ensure.js';
import { networkClaims } from './network/claims.js';
import { defaultNetworkSettings } from './network/settings.js';
import { createRpcClient } from './rpc/client.js';
import { createSecretCodec } from './secrets/codec.js';
import { ensureSecretsKey } from './secrets/key.js';
import { openStore } from './store/store.js';
import { createJoinTokens } from './tokens/join-tokens.js';

export interface RunningServer {
  httpsPort: number;
  mqttPort: number;
  joinToken: string;
  adminToken: string;
  /** https://127.0.0.1:PORT, what the local agent and the kubeconfig use. */
  localUrl: string;
  stop(): Promise<void>;
}

/** Starts the control plane: store, PKI, broker, API, controllers. The CLI starts the local agent beside it. */
export async function runServer(cfg: ServerConfig): Promise<RunningServer> {
  const log = cfg.log ?? ((m: string) => console.log(`[server] ${m}`));
  // Before anything writes: warn about (and tighten) keys, tokens and the database left readable by others.
  checkPermissions(serverPrivatePaths(cfg.dataDir), log);
  prepareDataDir(cfg.dataDir, log);
  const pki = await ensurePki({ dir: join(cfg.dataDir, 'tls'), hostname: hostname(), sans: cfg.tlsSans, log });
  const secrets = ensureSecrets(cfg.dataDir, pki.caPem);
  ensurePrivateFile(join(cfg.dataDir, 'db', 'state.db')); // SQLite gives -wal and -shm the database's mode
  // Secrets are encrypted in the store layer, so every reader (API, controllers) sees them decrypted and no row holds plaintext.
  // Claims: ClusterIPs, NodePorts and pod ranges are held in the same transaction as the object holding them.
  const store = openStore(join(cfg.dataDir, 'db', 'state.db'), { codec: createSecretCodec(ensureSecretsKey(cfg.dataDir, { log })), claims: networkClaims });
  ensureSystemNamespaces(store);
  const network = cfg.network ?? defaultNetworkSettings;

  const events = createEventRecorder({ store, log });
  const tracker = createNodeTracker({ store, log, events });
  // Logs and exec reach nodes as MQTT requests: nodes have no open port.
  const rpc = createRpcClient({ publish: (topic, payload, opts) => broker.publish(topic, payload, opts), log });
  const dispatcher = createNodeMessageDispatcher({ store, tracker, rpc, log, events });
  const broker = await startBroker({
    host: cfg.bindAddress,
    port: cfg.mqttPort,
    tls: { key: pki.keyPem, cert: pki.certPem },
    authenticate(username, password) {
      const c = store.getNodeCredentials(username);
      return !!c && secretEquals(sha256Hex(password), c.mqttPasswordHash);
    },
    onNodeMessage: (node, kind, payload, topic) => dispatcher.handle(node, kind, payload, topic),
    onNodeConnection(node, connected) {
      rpc.onNodeConnection(node, connected);
      if (connected) controllers.desired.invalidate(node);
    },
    log,
  });
  const controllers = startControllers({
    store,
    publish: (topic, payload, opts) => broker.publish(topic, payload, opts),
    nodeView: (n: Node) => tracker.view(n),
    log,
    events,
    podEvictionTimeoutMs: cfg.podEvictionTimeoutMs,
    network,
    ...(cfg.httpsPort ? { apiEndpoint: { ip: apiAddress(cfg.bindAddress, [network.clusterCIDR, network.serviceCIDR]), port: cfg.httpsPort } } : {}),
  });
  const tick = setInterval(() => tracker.tick(), 1000);
  tick.unref();

  // The bootstrap token plus those made with `kedge token create`; rotate rewrites <data-dir>/token.
  const joinTokens = createJoinTokens({ store, caPem: pki.caPem, bootstrapToken: secrets.joinToken, tokenFile: join(cfg.dataDir, 'token'), log });
  const joinHandler = createJoinHandler({ store, caPem: pki.caPem, mqttPort: broker.port, log });
  const app = createApi({
    store,
    adminToken: secrets.adminToken,
    caPem: pki.caPem,
    verifyJoinToken: (token) => joinTokens.verify(token),
    joinTokens,
    join: joinHandler,
    nodeView: (n) => tracker.view(n as Node),
    rpc,
    distribution: createDistribution({ dataDir: cfg.dataDir }),
    connectedNodes: broker.connectedNodes,
    network,
    log,
  });
  const api = await serveApi(app, {
    host: cfg.bindAddress,
    port: cfg.httpsPort,
    key: pki.keyPem,
    cert: pki.certPem,
    onUpgrade: execUpgradeHandler({ store, rpc, adminToken: secrets.adminToken, log }),
  });
  const localUrl = `https://127.0.0.1:${api.port}`;
  writeKubeconfig(join(cfg.dataDir, 'kedge.yaml'), { server: localUrl, caPem: pki.caPem, token: secrets.adminToken });
  log(`kedge server is up: API ${serverUrl(cfg.bindAddress, api.port)}, MQTT port ${broker.port}`);
  log(`admin kubeconfig: ${join(cfg.dataDir, 'kedge.yaml')}`);
  log(`join a node with: ${joinCommand({ server: serverUrl(advertised(cfg), api.port), token: secrets.joinToken })}`);

  return {
    httpsPort: api.port,
    mqttPort: broker.port,
    get joinToken() {
      return joinTokens.bootstrapToken;
    },
    adminToken: secrets.adminToken,
    localUrl,
    async stop() {
      clearInterval(tick);
      controllers.stop();
      await api.close();
      await broker.close();
      events.stop(); // writes counts still held back by the throttle
      store.close();
    },
  };
}

function advertised(cfg: ServerConfig): string {
  if (cfg.bindAddress !== '0.0.0.0' && cfg.bindAddress !== '::') return cfg.bindAddress;
  return cfg.tlsSans[0] ?? hostname();
}
