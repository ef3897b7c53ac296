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

/** Where a stored object lives: what an encrypting codec binds its ciphertext to. */
export interface RowKey {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * How objects become the text in the data column and back. The default is plain JSON; the
 * server passes one that encrypts Secrets (server/secrets/codec.ts). Everything above the
 * store, the change feed included, sees decoded objects.
 */
export interface ObjectCodec {
  encode(obj: KObject, row: RowKey): string;
  decode(text: string, row: RowKey): KObject;
}

/** A value an object holds exclusively within a pool: a ClusterIP, a NodePort, a node's pod range. */
export interface Claim {
  pool: string;
  value: string;
  /** The field holding it (spec.clusterIP), for the error when another object holds it already. */
  field: string;
}

/** Which kinds hold values and what each object holds; the store keeps the claims in the object's own transaction. */
export interface ClaimRules {
  kinds: string[];
  of(obj: KObject): Claim[];
}

export interface NodeCredentials {
  name: string;
  /** Slow hash of the node password: "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>" (older: "scrypt$<salt>$<hash>"). */
  passwordHash: string;
  /** sha256 hex of the node's MQTT password (a random secret, so a fast hash suffices). */
  mqttPasswordHash: string;
  createdAt: string;
}

/** An extra join token (kedge token create); the secret itself is only ever shown once. */
export interface JoinTokenRecord {
  /** 6 characters, the part before the dot in <id>.<secret>. */
  id: string;
  /** sha256 hex of the secret. */
  secretHash: string;
  description: string;
  createdAt: string;
  /** RFC 3339; absent: never expires. */
  expiresAt?: string;
}

/**
 * The object store. Cluster-scoped kinds (Node, Namespace) use namespace "".
 * Every write bumps one global resourceVersion counter, persisted in the same transaction.
 */
export interface Store {
  /** Stores a new object with a fresh uid, creationTimestamp and resourceVersion; one is never created being deleted. */
  create(obj: KObject): KObject;
  get(kind: string, namespace: string, name: string): KObject | undefined;
  list(kind: string, opts?: ListOptions): { items: KObject[]; resourceVersion: string };
  /**
   * Writes the object. A write that leaves an object being deleted with nothing holding it (no
   * finalizers, no grace period left; see deletion-finished.ts) removes it instead: watchers see DELETED.
   */
  update(obj: KObject, opts?: UpdateOptions): KObject;
  delete(kind: string, namespace: string, name: string): KObject;
  /**
   * Runs `fn` (synchronous) as one transaction: its writes cost one fsync together, and watchers
   * hear of them once all are committed. If `fn` throws, none of its writes happen. Nests.
   */
  batch<T>(fn: () => T): T;
  /**
   * Runs `fn` (synchronous) exactly as batch() would, then rolls all of it back: what it returns is
   * what the writes would have produced, yet nothing is stored, no resourceVersion is used and no
   * watcher hears of it (server-side dry run).
   */
  dryRun<T>(fn: () => T): T;
  /** Subscribe to changes; with sinceResourceVersion, replays buffered changes after it (Gone → throws Expired/Conflict). */
  watch(listener: (e: StoreEvent) => void, opts?: { sinceResourceVersion?: number }): () => void;
  currentResourceVersion(): number;
  /** Every object whose metadata.ownerReferences names this uid (any kind, any namespace). */
  ownedBy(uid: string): KObject[];
  /** Owner uids some object still names although no object has them (the garbage collector's work). */
  missingOwners(): string[];
  uidExists(uid: string): boolean;
  /** The object with this uid, of any kind. */
  getByUid(uid: string): KObject | undefined;
  /** Values objects hold (see ClaimRules): a write that would take another object's value fails with Invalid. */
  claims: {
    holder(pool: string, value: string): RowKey | undefined;
    values(pool: string): string[];
  };
  getNodeCredentials(name: string): NodeCredentials | undefined;
  putNodeCredentials(c: NodeCredentials): void;
  deleteNodeCredentials(name: string): void;
  /** Extra join tokens; put throws when the id exists, delete answers whether it existed. */
  joinTokens: {
    get(id: string): JoinTokenRecord | undefined;
    list(): JoinTokenRecord[];
    put(t: JoinTokenRecord): void;
    delete(id: string): boolean;
  };
  close(): void;
}
