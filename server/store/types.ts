import type { KObject } from '../../shared/meta.js';
import type { Requirement } from '../../shared/selector.js';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  object: KObject;
  /** The global resourceVersion this change was written at. */
  rv: number;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: Requirement[];
  /** Field equality filters on dotted paths, e.g. { 'spec.nodeName': 'edge-1' }. */
  fields?: Record<string, string>;
}

export interface UpdateOptions {
  /** Optimistic concurrency: fail with Conflict when the stored resourceVersion differs. */
  expectResourceVersion?: string;
  /** 'status' keeps the stored spec and metadata (except resourceVersion) and replaces status only. */
  subresource?: 'status';
}

export interface NodeCredentials {
  name: string;
  /** scrypt hash of the node password, "scrypt$<salt b64>$<hash b64>". */
  passwordHash: string;
  /** sha256 hex of the node's MQTT password (a random secret, so a fast hash suffices). */
  mqttPasswordHash: string;
  createdAt: string;
}

/**
 * The object store. Cluster-scoped kinds (Node, Namespace) use namespace "".
 * Every write bumps one global resourceVersion counter, persisted in the same transaction.
 */
export interface Store {
  create(obj: KObject): KObject;
  get(kind: string, namespace: string, name: string): KObject | undefined;
  list(kind: string, opts?: ListOptions): { items: KObject[]; resourceVersion: string };
  update(obj: KObject, opts?: UpdateOptions): KObject;
  delete(kind: string, namespace: string, name: string): KObject;
  /** Subscribe to changes; with sinceResourceVersion, replays buffered changes after it (Gone → throws Expired/Conflict). */
  watch(listener: (e: StoreEvent) => void, opts?: { sinceResourceVersion?: number }): () => void;
  currentResourceVersion(): number;
  getNodeCredentials(name: string): NodeCredentials | undefined;
  putNodeCredentials(c: NodeCredentials): void;
  deleteNodeCredentials(name: string): void;
  close(): void;
}
