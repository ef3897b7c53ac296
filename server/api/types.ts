import type { KObject } from '../../shared/meta.js';
import type { JoinRequest, JoinResponse } from '../../shared/messages.js';
import type { RateLimit } from '../broker/rate-limit.js';
import type { NetworkSettings } from '../network/settings.js';
import type { RpcClient } from '../rpc/client.js';
import type { JoinTokens } from '../tokens/join-tokens.js';
import type { Store } from '../store/types.js';
import type { Distribution } from './distribution.js';

export interface ApiDeps {
  store: Store;
  /** Bearer token for the API (compared in constant time). */
  adminToken: string;
  /** Served at GET /cacerts without auth. */
  caPem: string;
  /** For /kedge/v1/join (Authorization: Bearer <full join token>). */
  verifyJoinToken(token: string): boolean;
  /** Registers a node; throws KedgeError. `host` is the Host the node reached the API on (it reaches MQTT there too). */
  join(req: JoinRequest, ctx?: { host?: string }): Promise<JoinResponse>;
  /** Overlays live node status (heartbeats kept in memory) on reads. */
  nodeView?(node: KObject): KObject;
  log?(msg: string): void;
  /** Joins per client address; default 10/min, burst 20; false turns the limit off. */
  joinRateLimit?: RateLimit | false;
  /** Serves /install.sh and /kedge/v1/download/ when given. */
  distribution?: Distribution;
  /** Requests to nodes over MQTT (pod logs, exec); without it those answer 503. */
  rpc?: Pick<RpcClient, 'open' | 'collect'>;
  /** /kedge/v1/tokens (kedge token …) when given. */
  joinTokens?: Pick<JoinTokens, 'create' | 'list' | 'delete' | 'rotate'>;
  /** The clock deletions are stamped with (deletionTimestamp); tests pass a fixed one. */
  clock?: () => Date;
  /** Nodes connected to the broker, for GET /metrics. */
  connectedNodes?: () => number;
  /** The service range and NodePort range Services are allocated from (default: K3s's). */
  network?: NetworkSettings;
}
