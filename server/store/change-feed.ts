import { KedgeError } from '../../shared/errors.js';
import type { StoreEvent } from './types.js';

type Listener = (e: StoreEvent) => void;

/**
 * Fans committed changes out to listeners and keeps the last `capacity` of them so a watcher can
 * resume after a resourceVersion it has seen.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private readonly ring: StoreEvent[] = [];
  private start = 0;
  /** Every change with rv > floor is in the ring; older ones are gone. */
  private floor: number;

  constructor(
    currentRv: number,
    private readonly capacity: number,
    private readonly log: (msg: string) => void,
  ) {
    this.floor = currentRv;
  }

  publish(e: StoreEvent): void {
    if (this.ring.length < this.capacity) this.ring.push(e);
    else {
      this.floor = this.ring[this.start]!.rv;
      this.ring[this.start] = e;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const l of [...this.listeners]) this.deliver(l, e);
  }

  subscribe(listener: Listener, sinceResourceVersion?: number): () => void {
    if (sinceResourceVersion !== undefined) {
      if (sinceResourceVersion < this.floor) {
        throw new KedgeError('Gone', `too old resource version: ${sinceResourceVersion} (${this.floor})`);
      }
      for (const e of this.buffered()) if (e.rv > sinceResourceVersion) this.deliver(listener, e);
    }
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  clear(): void {
    this.listeners.clear();
  }

  private *buffered(): Generator<StoreEvent> {
    for (let i = 0; i < this.ring.length; i++) yield this.ring[(this.start + i) % this.ring.length]!;
  }

  /** Each listener gets its own copy, so one that mutates the object cannot corrupt the others' view. */
  private deliver(l: Listener, e: StoreEvent): void {
    try {
      l({ type: e.type, rv: e.rv, object: structuredClone(e.object) });
    } catch (err) {
      this.log(`store: a watch listener threw on ${e.type} ${e.object.kind} ${e.object.metadata.name}: ${(err as Error).message}`);
    }
  }
}
