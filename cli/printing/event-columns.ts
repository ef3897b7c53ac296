import type { KEvent } from '../../shared/event.js';
import type { KObject } from '../../shared/meta.js';
import { formatAge } from '../../shared/age.js';

/** When an event was last seen (ms), for sorting: lastTimestamp, else firstTimestamp, else creation. */
export function lastSeen(e: KEvent): number {
  return Date.parse(e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '') || 0;
}

/** kubectl's "2m (x6 over 10m)" for repeated events, else the age. */
export function eventAge(e: KEvent, now: number): string {
  const last = formatAge(e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp, now);
  if ((e.count ?? 1) <= 1 || !e.firstTimestamp) return last;
  return `${last} (x${e.count} over ${formatAge(e.firstTimestamp, now)})`;
}

/** "pod/web-1": the involved object as kubectl's OBJECT column writes it. */
export function eventObject(e: KEvent): string {
  return `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`;
}

export function eventSource(e: KEvent): string {
  const s = e.source ?? {};
  return [s.component, s.host].filter(Boolean).join(', ');
}

/** `kedge get events`: LAST SEEN TYPE REASON OBJECT MESSAGE, oldest first, as `kubectl events` sorts. */
export function eventColumns(wide: boolean) {
  return {
    headers: wide ? ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'] : ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    row(o: KObject, now: number): string[] {
      const e = o as KEvent;
      const message = e.message.replace(/\s*\n\s*/g, ' ');
      if (!wide) return [eventAge(e, now), e.type, e.reason, eventObject(e), message];
      return [
        eventAge(e, now), e.type, e.reason, eventObject(e), e.involvedObject.fieldPath ?? '', eventSource(e), message,
        formatAge(e.firstTimestamp ?? e.metadata.creationTimestamp, now), String(e.count ?? 1), e.metadata.name ?? '',
      ];
    },
    sort: (a: KObject, b: KObject) => lastSeen(a as KEvent) - lastSeen(b as KEvent) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  };
}
