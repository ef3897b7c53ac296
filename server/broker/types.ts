import type { NodeTopicKind } from '../../shared/topics.js';
import type { RateLimit } from './rate-limit.js';

export interface BrokerOptions {
  host: string;
  port: number;
  tls: { key: string; cert: string; ca?: string };
  /** Checks a node's MQTT credentials; the username is the node name. */
  authenticate(username: string, password: string): boolean;
  /** Called for every accepted publish from a node (ACL already checked), in-process. */
  onNodeMessage(node: string, kind: NodeTopicKind | 'rpc', payload: Buffer, topic: string): void;
  /** A node's client connected (true) or went away (false, including the last will). */
  onNodeConnection?(node: string, connected: boolean): void;
  /** Per-node publish limit; default 50 messages/s, burst 100. */
  rateLimit?: RateLimit;
  log?: (msg: string) => void;
}

export interface Broker {
  /** Publish from the server, e.g. the retained desired state of a node. */
  publish(topic: string, payload: Buffer | string, opts: { retain: boolean; qos: 0 | 1 }): Promise<void>;
  /** Drop a node's live connection (e.g. after its credentials are deleted). */
  disconnect(node: string): void;
  readonly port: number;
  close(): Promise<void>;
}
