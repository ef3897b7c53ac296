import { eventLastSeen, type KEvent } from '../../shared/event.js';
import type { ObjectMeta } from '../../shared/meta.js';
import { tableSchema, type Cell, type ColumnDefinition, type IncludeObject, type Table, type TableRow } from '../../shared/table.js';
import { validate } from '../../shared/validate.js';
import { renderTable } from './table.js';

/** A Table as the server sent it, checked so a malformed one is an error naming the field, not a crash. */
export function readTable(value: unknown): Table {
  return validate(tableSchema, value, { kind: 'Table' });
}

/** What each row must embed: events sort by when they were last seen, so they need the whole object. */
export function includeObjectFor(kind: string): IncludeObject {
  return kind === 'Event' ? 'Object' : 'Metadata';
}

/** The metadata a row embeds (a PartialObjectMetadata or the whole object). */
export function rowMetadata(row: TableRow): ObjectMeta {
  const o = row.object as { metadata?: ObjectMeta } | undefined;
  return o?.metadata ?? {};
}

function lastSeen(row: TableRow): number {
  return Date.parse(eventLastSeen(row.object as KEvent) ?? '') || 0;
}

/** Rows in the order kedge lists them: by namespace and name, events oldest first. */
export function sortRows(kind: string, rows: TableRow[]): TableRow[] {
  const key = (r: TableRow) => `${rowMetadata(r).namespace ?? ''}/${rowMetadata(r).name ?? ''}`;
  const byName = (a: TableRow, b: TableRow) => key(a).localeCompare(key(b));
  return [...rows].sort(kind === 'Event' ? (a, b) => lastSeen(a) - lastSeen(b) || byName(a, b) : byName);
}

/** A cell as one line of text, so a message with line breaks does not break its row. */
export function cellText(cell: Cell): string {
  return typeof cell === 'number' ? String(cell) : cell.replace(/\s*[\r\n\f]+\s*/g, ' ');
}

/** The server's columns as kubectl prints them: priority 0 (all with -o wide), NAMESPACE first across namespaces. */
export function renderServerTable(columns: ColumnDefinition[], rows: TableRow[], o: { wide: boolean; allNamespaces: boolean }): string {
  const shown = columns.flatMap((c, i) => (c.priority === 0 || o.wide ? [i] : []));
  const headers = [...(o.allNamespaces ? ['NAMESPACE'] : []), ...shown.map((i) => columns[i]!.name)];
  const lines = rows.map((r) => [...(o.allNamespaces ? [rowMetadata(r).namespace ?? ''] : []), ...shown.map((i) => cellText(r.cells[i] ?? ''))]);
  return renderTable(headers, lines);
}
