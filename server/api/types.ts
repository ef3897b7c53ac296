import type { KObject } from '../../shared/meta.js';
import type { JoinRequest, JoinResponse } from '../../shared/messages.js';
import type { Store } from '../store/types.js';

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
}
