/**
 * Child process of the fleet scenario: runs many simulated agents (real MQTT clients over TLS) and
 * reports progress to the parent over IPC. Run bundled by plain node, which keeps its memory low.
 */
import https from 'node:https';
import { createSimNode, type SimNode } from './sim-node.js';
import type { ChildProgress, FromChild, ToChild } from './protocol.js';

const send = (m: FromChild) => process.send?.(m);
let nodes: SimNode[] = [];
const progress: Omit<ChildProgress, 'ev' | 'rssMB' | 'done'> = { joined: 0, joinFailed: 0, connected: 0, connectFailed: 0, podsRunning: 0, desiredMessages: 0, changes: 0, errors: 0, joinMs: [] };
const done = { join: false, connect: false };
let changeTimer: NodeJS.Timeout | undefined;

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

function onError(msg: string) {
  progress.errors++;
  progress.lastError = msg;
}

async function init(m: Extract<ToChild, { cmd: 'init' }>) {
  const agent = new https.Agent({ keepAlive: false, ca: m.server.ca });
  nodes = m.nodes.map((n) => createSimNode({
    name: n.name, server: m.server, localAddress: n.localAddress, heartbeatMs: m.heartbeatMs, agent, onError,
    onPodRunning: () => progress.podsRunning++,
  }));
  const joinedNodes: SimNode[] = [];
  await pool(nodes, m.joinConcurrency, async (n) => {
    const t0 = performance.now();
    try {
      await n.join();
      progress.joinMs.push(performance.now() - t0);
      progress.joined++;
      joinedNodes.push(n);
    } catch (e) {
      progress.joinFailed++;
      onError((e as Error).message);
    }
  });
  done.join = true;
  await pool(joinedNodes, m.connectConcurrency, async (n) => {
    try {
      await n.connect();
      progress.connected++;
    } catch (e) {
      progress.connectFailed++;
      onError(`${n.name}: connect: ${(e as Error).message}`);
    }
  });
  done.connect = true;
}

function startChanges(perSecond: number) {
  clearInterval(changeTimer);
  if (perSecond <= 0) return;
  let owed = 0;
  changeTimer = setInterval(() => {
    owed += perSecond / 10;
    for (; owed >= 1; owed--) {
      const n = nodes[Math.floor(Math.random() * nodes.length)];
      if (n?.restartOne()) progress.changes++;
    }
  }, 100);
}

const reporter = setInterval(() => {
  progress.desiredMessages = nodes.reduce((a, n) => a + n.desiredMessages, 0);
  send({ ev: 'progress', ...progress, rssMB: process.memoryUsage.rss() / 2 ** 20, done });
  progress.joinMs = [];
}, 1000);

process.on('message', (m: ToChild) => {
  switch (m.cmd) {
    case 'init':
      init(m).catch((e: Error) => send({ ev: 'fatal', message: e.stack ?? e.message }));
      break;
    case 'changes':
      startChanges(m.perSecond);
      break;
    case 'stop':
      clearInterval(changeTimer);
      clearInterval(reporter);
      void Promise.all(nodes.map((n) => n.close())).finally(() => process.exit(0));
      break;
  }
});
process.on('disconnect', () => process.exit(0));
