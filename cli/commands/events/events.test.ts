import { describe, expect, it } from 'vitest';
import type { KEvent } from '../../../shared/event.js';
import { parseArgs } from '../../flags/args.js';
import { kindByName } from '../../../shared/kinds.js';
import { runGet } from '../get/get.js';
import { eventsCommand, eventsRequestFromArgs, runEvents } from './events.js';
import { memoryClient } from '../../connection/testing/memory-client.js';

const now = Date.parse('2026-01-01T01:00:00Z');
const ev = (name: string, kind: string, obj: string, reason: string, last: string, o: Partial<KEvent> = {}): KEvent => ({
  apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' }, involvedObject: { kind, name: obj, namespace: kind === 'Node' ? undefined : 'default' },
  reason, message: `${reason} happened`, type: 'Normal', firstTimestamp: last, lastTimestamp: last, count: 1, ...o,
});

const events = [
  ev('b', 'Pod', 'web-1', 'Started', '2026-01-01T00:59:00Z', { source: { component: 'kubelet', host: 'edge-1' }, involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{web}' } }),
  ev('a', 'Node', 'edge-1', 'NodeNotReady', '2026-01-01T00:50:00Z', { type: 'Normal', source: { component: 'node-controller' } }),
  ev('c', 'Pod', 'web-1', 'BackOff', '2026-01-01T00:59:30Z', { type: 'Warning', count: 5, firstTimestamp: '2026-01-01T00:55:00Z', message: 'Back-off\nrestarting' }),
];

/** `kedge get events` over these events: the server's Event table. */
async function getEvents(list: KEvent[], wide: boolean): Promise<string> {
  const mc = memoryClient({ clock: () => now });
  for (const e of list) mc.put(e);
  const out: string[] = [];
  await runGet(mc, { info: kindByName('Event')!, names: [], namespace: 'default', output: wide ? 'wide' : 'table' }, { out: (s) => void out.push(s), err: () => undefined });
  return out.join('');
}

describe('get events columns', () => {
  it('LAST SEEN TYPE REASON OBJECT MESSAGE, sorted by time; the COUNT of repeats is a wide column, as in kubectl get events', async () => {
    expect(await getEvents(events, false)).toBe(
      [
        'LAST SEEN   TYPE      REASON         OBJECT        MESSAGE',
        '10m         Normal    NodeNotReady   node/edge-1   NodeNotReady happened',
        '60s         Normal    Started        pod/web-1     Started happened',
        '30s         Warning   BackOff        pod/web-1     Back-off restarting',
        '',
      ].join('\n'),
    );
  });

  it('wide adds the subobject, source, first seen, count and name', async () => {
    const wide = await getEvents([events[0]!], true);
    expect(wide.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+SUBOBJECT\s+SOURCE\s+MESSAGE\s+FIRST SEEN\s+COUNT\s+NAME$/);
    expect(wide.split('\n')[1]).toMatch(/spec\.containers\{web\}\s+kubelet, edge-1\s+Started happened\s+60s\s+1\s+b$/);
  });
});

describe('kedge events', () => {
  const args = (argv: string[]) => parseArgs(argv, eventsCommand.flags, { command: 'kedge events' });
  function run(argv: string[]) {
    const mc = memoryClient({ clock: () => now });
    for (const e of events) mc.put(e);
    const out: string[] = [];
    const err: string[] = [];
    return runEvents(mc, eventsRequestFromArgs(args(argv), undefined), { out: (s) => void out.push(s), err: (s) => void err.push(s) }).then(() => ({ out: out.join(''), err: err.join('') }));
  }

  it('filters by object and type', async () => {
    const r = await run(['--for', 'pod/web-1', '--types', 'Warning']);
    expect(r.out.trim().split('\n')).toHaveLength(2);
    expect(r.out).toContain('BackOff');
    expect((await run(['--for', 'node/edge-1'])).out).toContain('NodeNotReady');
    expect((await run(['--for', 'node/edge-2'])).err).toBe('No events found in default namespace.\n');
  });

  it('checks its flags', () => {
    expect(() => eventsRequestFromArgs(args(['--for', 'web-1']), undefined)).toThrow('--for: "web-1" is not KIND/NAME');
    expect(() => eventsRequestFromArgs(args(['--types', 'Error']), undefined)).toThrow('--types: "Error" is not an event type');
    expect(eventsRequestFromArgs(args(['-A']), undefined).namespace).toBeUndefined();
  });
});
