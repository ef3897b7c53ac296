import { formatAge } from '../../../shared/age.js';
import { eventLastSeen, type KEvent } from '../../../shared/event.js';
import type { KObject } from '../../../shared/meta.js';
import type { DescribeWriter } from '../../printing/describe-writer.js';

const lastSeen = (e: KEvent) => Date.parse(eventLastSeen(e) ?? '') || 0;

/** kubectl describe's "2m (x6 over 10m)" for repeated events, else the age. */
export function eventAge(e: KEvent, now: number): string {
  const last = formatAge(eventLastSeen(e), now);
  if ((e.count ?? 1) <= 1 || !e.firstTimestamp) return last;
  return `${last} (x${e.count} over ${formatAge(e.firstTimestamp, now)})`;
}

/** The events about `obj`: same uid, or same kind and name when an event carries no uid. */
export function eventsFor(obj: KObject, events: KEvent[]): KEvent[] {
  return events
    .filter((e) => {
      const io = e.involvedObject;
      if (io.kind !== obj.kind || io.name !== obj.metadata.name) return false;
      if ((io.namespace ?? '') !== (obj.metadata.namespace ?? '')) return false;
      return !io.uid || !obj.metadata.uid || io.uid === obj.metadata.uid;
    })
    .sort((a, b) => lastSeen(a) - lastSeen(b));
}

/** kubectl describe's closing section: Type, Reason, Age ("10s (x3 over 2m)"), From, Message. */
export function writeEvents(w: DescribeWriter, events: KEvent[], now: number): void {
  if (!events.length) {
    w.field(0, 'Events', '<none>');
    return;
  }
  w.text(0, 'Events:');
  w.table(
    1,
    ['Type', 'Reason', 'Age', 'From', 'Message'],
    events.map((e) => [e.type, e.reason, eventAge(e, now), e.source?.component ?? '', e.message.replace(/\s*\n\s*/g, ' ')]),
    ['----', '------', '----', '----', '-------'],
  );
}
