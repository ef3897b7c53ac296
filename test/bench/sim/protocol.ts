/** Messages between the fleet scenario and its child processes of simulated agents (over the IPC channel). */
import type { SimServer } from './sim-node.js';

export type ToChild =
  | { cmd: 'init'; server: SimServer; nodes: { name: string; localAddress: string }[]; heartbeatMs: number; joinConcurrency: number; connectConcurrency: number }
  | { cmd: 'changes'; perSecond: number }
  | { cmd: 'stop' };

export interface ChildProgress {
  ev: 'progress';
  joined: number;
  joinFailed: number;
  connected: number;
  connectFailed: number;
  podsRunning: number;
  desiredMessages: number;
  changes: number;
  errors: number;
  lastError?: string;
  /** Join latencies (ms) since the last progress message. */
  joinMs: number[];
  rssMB: number;
  done: { join: boolean; connect: boolean };
}

export type FromChild = ChildProgress | { ev: 'fatal'; message: string };
