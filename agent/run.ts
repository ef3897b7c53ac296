import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KedgeError } from '../shared/errors.js';
import type { ClusterNetwork } from '../shared/cluster-network.js';
import type { DesiredState } from '../shared/messages.js';
import type { AgentConfig } from './config.js';
import { agentPrivatePaths, checkPermissions } from './permissions.js';
import { createClusterCache } from './cache/cluster.js';
import { createDesiredCache } from './cache/desired.js';
import { ensureContainerd } from './containerd/ensure.js';
import { collectHostFacts } from './fingerprint/host.js';
import { currentNodeAddresses } from './fingerprint/node-ip.js';
import { collectReport } from './fingerprint/report.js';
import { createImageImporter } from './images/importer.js';
import { normalizeImageRef } from './images/ref.js';
import { joinServer, type JoinResult } from './join/join.js';
import { createLogKeeper } from './logs/keeper.js';
import { logPathFor } from './logs/layout.js';
import { createClusterSync } from './network/cluster-sync.js';
import { readResolvConf, upstreamsOf } from './network/dns/resolv-conf.js';
import { startClusterDns } from './network/dns/server.js';
import { createNodeRoutes } from './network/node/apply.js';
import { hostNetTools, type NetTools } from './network/node/tools.js';
import { startPodNetwork } from './network/pod/start.js';
import { createServiceRouter } from './network/services/router.js';
import type { PodNetwork, PodNetworkFacts } from './network/pod/types.js';
import type { ClusterDns, ServiceRouter } from './network/types.js';
import { createEventBatcher } from './events/batcher.js';
import { containerId } from './reconciler/ids.js';
import { createReconciler } from './reconciler/loop.js';
import { createRpcHandler } from './rpc/handler.js';
import { createCtrDriver } from './runtime/ctr/ctr-driver.js';
import type { RuntimeDriver } from './runtime/driver.js';
import { createSession, type MqttCredentials, type Session } from './session/session.js';
import { chooseMemoryRoot, createVolumeManager } from './volumes/manager.js';

/** Per-container log cap; the keeper trims files beyond it (SD cards are small). */
const logMaxBytes = 10 * 1024 * 1024;

export interface AgentDeps {
  /** A runtime to use instead of containerd (tests); the agent does not close an injected driver. */
  driver: RuntimeDriver;
  now: () => number;
  /** Where the node's devices and routes are read and changed (tests: a network namespace). */
  netTools: NetTools;
  /** Starts the cluster DNS for the cluster network (default: on its clusterDNS address, port 53, UDP and TCP). */
  startDns: (network: ClusterNetwork) => Promise<ClusterDns>;
  /** The node's Service rules (default: nftables table ip kedge). */
  serviceRouter: ServiceRouter;
  /** The pod network (default: the CNI plugins, after a preflight); null: every pod on the node's own network (tests with a fake runtime). */
  podNetwork: PodNetwork | null;
}

/** The cluster DNS on every node, forwarding other names to the node's own resolvers. */
async function startNodeDns(network: ClusterNetwork, log: (msg: string) => void): Promise<ClusterDns> {
  const conf = await readResolvConf();
  return startClusterDns({ address: network.clusterDNS, port: 53, domain: network.clusterDomain, upstreams: upstreamsOf(conf), log });
}

export interface RunningAgent {
  nodeName: string;
  /** Disconnects (online "0") and stops timers, importer and log keeper; containers keep running. */
  stop(): Promise<void>;
}

function mqttCredentials(r: JoinResult): MqttCredentials {
  return { url: r.mqtt.url, username: r.mqtt.username, password: r.mqtt.password, ca: r.ca };
}

async function prepareDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // It holds the node password and MQTT credentials.
    await chmod(dir, 0o700);
    for (const sub of ['images', 'logs']) await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new KedgeError('Invalid', `--data-dir ${dir}: cannot prepare the agent's data directory (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Runs the node: join (or the saved credentials), containerd, the pod network's preflight, image
 * importer, log keeper, the node's routes, Service rules and DNS and the reconciler started from
 * the cached cluster messages and desired state (all come back without the server), then the
 * MQTT session.
 */
export async function runAgent(cfg: AgentConfig, deps: Partial<AgentDeps> = {}): Promise<RunningAgent> {
  const log = cfg.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const now = deps.now ?? Date.now;
  const nodeName = cfg.nodeName;
  const dataDir = cfg.dataDir;
  // Before prepareDataDir tightens the directory silently: say so when secrets were left readable.
  await checkPermissions(agentPrivatePaths(dataDir), log);
  await prepareDataDir(dataDir);

  const join_ = () => joinServer({ server: cfg.server, token: cfg.token, nodeName, dataDir, labels: cfg.nodeLabels, log });
  const joined = await join_();
  log(joined.fromCache ? `node ${nodeName}: server unreachable, using saved credentials` : `node ${nodeName}: joined ${cfg.server}`);

  const undo: (() => Promise<void> | void)[] = [];
  const unwind = async () => {
    for (const u of undo.splice(0).reverse()) {
      try {
        await u();
      } catch (e) {
        log(`agent shutdown: ${(e as Error).message}`);
      }
    }
  };

  try {
    let driver = deps.driver;
    let runtimeVersion: string;
    if (driver) {
      runtimeVersion = await driver.version();
    } else {
      const containerd = await ensureContainerd({ address: cfg.containerdAddress, dataDir, log });
      undo.push(() => containerd.stop());
      const ctr = createCtrDriver({ address: containerd.address, runcRoot: containerd.runcRoot, log });
      undo.push(() => ctr.close());
      driver = ctr;
      runtimeVersion = containerd.version;
    }
    const host = await collectHostFacts();
    // Cluster messages from the last run: routes, Service rules and DNS come back before the server answers.
    const clusterCache = createClusterCache({ dataDir, log });
    await clusterCache.load();
    undo.push(() => clusterCache.flush());
    const clusterRanges = () => (clusterCache.network ? [clusterCache.network.clusterCIDR, clusterCache.network.serviceCIDR] : []);
    const addresses = () => currentNodeAddresses({ ...(cfg.nodeIP ? { given: cfg.nodeIP } : {}), exclude: clusterRanges });

    const logsRoot = join(dataDir, 'logs');
    // containerd's own log is capped too: an SD card must not fill up with it.
    const keeper = createLogKeeper({ root: logsRoot, maxBytes: logMaxBytes, extraFiles: [join(dataDir, 'containerd', 'containerd.log')], log });
    keeper.start();
    undo.push(() => keeper.stop());

    let session: Session | undefined;
    // Preflight first: a node that cannot run the pod network says what to install before anything starts.
    const podNetwork =
      deps.podNetwork === undefined ? await startPodNetwork({ dataDir, nodeName, log, ...(clusterCache.network?.backend === 'vxlan' ? { vxlanRequired: true } : {}) }) : deps.podNetwork;
    const netTools = deps.netTools ?? hostNetTools();
    // Routes, Service rules and DNS follow the cluster messages and this node's pods.
    const sync = createClusterSync({
      applyRoutes: createNodeRoutes({ nodeName, nodeIPs: addresses, tools: netTools, log }),
      router: deps.serviceRouter ?? createServiceRouter({ log }),
      startDns: deps.startDns ?? ((network) => startNodeDns(network, log)),
      localPods: () => reconciler.localPods(),
      // Pods waiting for a pod range may attach now.
      onFactsChanged: () => reconciler.trigger('node network'),
      log,
    });
    undo.push(() => sync.close());
    const networkFacts = (): PodNetworkFacts | undefined => {
      const network = clusterCache.network;
      return sync.facts && network ? { ...sync.facts, clusterDNS: network.clusterDNS, clusterDomain: network.clusterDomain } : undefined;
    };
    // Pod events wait here (batched, deduplicated) until the session can send them.
    const events = createEventBatcher({ node: nodeName, publish: (batch) => session?.publishEvents(batch) ?? false, log });
    undo.push(() => events.stop());
    // Secrets and ConfigMaps go to a tmpfs under /run when there is one: no SD card writes, gone on reboot.
    const volumes = createVolumeManager({ roots: { disk: join(dataDir, 'pods'), memory: await chooseMemoryRoot({ dataDir, nodeName }) }, log });
    const reconciler = createReconciler({
      driver,
      nodeName,
      normalizeImage: (ref) => normalizeImageRef(ref),
      logPath: (p) => logPathFor(logsRoot, p),
      hostIP: () => addresses()[0] ?? '127.0.0.1',
      now,
      log,
      onStatusChange: (changed) => session?.publishPods(changed),
      onPodRemoved: (p) => void keeper.removePod(p.namespace, p.name, p.uid).catch((e: Error) => log(`removing logs of pod ${p.namespace}/${p.name}: ${e.message}`)),
      volumes,
      events,
      ...(podNetwork ? { podNetwork, networkFacts, onLocalPodsChanged: () => sync.podsChanged() } : {}),
    });
    undo.push(() => reconciler.stop());

    // Edge autonomy: the last desired state on disk starts the pods before any server answers.
    const cache = createDesiredCache({ dataDir, log });
    const cached = await cache.load();
    if (cached && cached.node === nodeName) {
      log(`starting from the cached desired state (revision ${cached.revision}, ${cached.pods.length} pods)`);
      reconciler.setDesired(cached.pods, cached);
    }
    if (clusterCache.network) {
      log(`node network from the cache (cluster network revision ${clusterCache.network.revision}, services revision ${clusterCache.services?.revision ?? 'none'})`);
      sync.update({ network: clusterCache.network, services: clusterCache.services });
      await sync.idle();
    }
    reconciler.start();

    const importer = createImageImporter({
      dir: join(dataDir, 'images'),
      driver,
      log,
      onImported: (names: string[]) => reconciler.trigger(`imported ${names.join(', ')}`),
    });
    // Not awaited: importing big tarballs must not hold up the MQTT session.
    importer.start().catch((e: Error) => log(`image importer: ${e.message}`));
    undo.push(() => importer.stop());

    const onDesired = (d: DesiredState) => {
      reconciler.setDesired(d.pods, d);
      cache.save(d).catch((e: Error) => log(`cannot save the desired state to ${cache.path}: ${e.message}`));
    };
    // Logs and exec requests from the server arrive over the same outbound MQTT connection (no open port).
    const rpc = createRpcHandler({
      nodeName,
      logsRoot,
      driver,
      send: (id, msg) => session?.publishRpc(id, JSON.stringify(msg)) ?? false,
      containerId,
      containerRunning: (uid, container) => reconciler.state.containers.get(containerId(uid, container))?.running,
      log,
    });
    undo.push(() => rpc.cancelAll());
    session = createSession({
      nodeName,
      credentials: mqttCredentials(joined),
      heartbeatMs: cfg.heartbeatMs,
      report: () => collectReport({ nodeName, dataDir, host, containerRuntimeVersion: runtimeVersion, nodeLabels: cfg.nodeLabels, now, addresses }),
      podStatuses: () => reconciler.statuses(),
      onDesired,
      onClusterNetwork: (network) => {
        if (clusterCache.offerNetwork(network)) sync.update({ network, services: clusterCache.services });
      },
      onClusterServices: (services) => {
        if (clusterCache.offerServices(services)) sync.update({ network: clusterCache.network, services });
      },
      onNotAuthorized: async () => mqttCredentials(await join_()),
      onRpcRequest: (id, payload) => rpc.onRequest(id, payload),
      // Answers cannot reach a server that is gone; it fails those calls on its side too.
      onConnectionChange: (connected) => {
        if (!connected) rpc.cancelAll();
        else events.flush();
      },
      log,
    });
    const s = session;
    undo.push(() => s.close());
  } catch (e) {
    await unwind();
    throw e;
  }

  let stopping: Promise<void> | undefined;
  return {
    nodeName,
    stop: () => (stopping ??= unwind()),
  };
}
