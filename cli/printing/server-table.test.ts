import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../shared/deployment.js';
import type { KObject } from '../../shared/meta.js';
import type { Pod } from '../../shared/pod.js';
import { toTable } from '../../server/api/tables.js';
import { piNode } from '../../server/api/testing/nodes.js';
import { cellText, renderServerTable, sortRows } from './server-table.js';

const now = Date.parse('2024-05-01T12:00:00Z');

/** What `kedge get` prints for these objects: the server's Table, printed by the CLI. */
function render(kind: string, items: KObject[], o: { wide: boolean; allNamespaces: boolean; now?: number }): string {
  const t = toTable(kind, items, { version: 'v1', includeObject: kind === 'Event' ? 'Object' : 'Metadata' }, { now: o.now ?? now });
  return renderServerTable(t.columnDefinitions, sortRows(kind, t.rows), o);
}

const node = piNode();

const cs = (name: string, ready: boolean, restartCount = 0) => ({ name, image: 'busybox:test', ready, restartCount, state: { running: {} } });

describe('node tables', () => {
  it('renders the plain and wide tables', () => {
    expect(render('Node', [node], { wide: false, allNamespaces: false })).toBe(
      'NAME   STATUS   ROLES           AGE   VERSION\n' + 'pi-1   Ready    control-plane   2d    v0.1.0-kedge\n',
    );
    const wide = render('Node', [node], { wide: true, allNamespaces: false }).split('\n');
    expect(wide[0]!.split(/\s{3,}/)).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME', 'ARCH', 'CPU', 'MEMORY']);
    expect(wide[1]!.split(/\s{3,}/)).toEqual(['pi-1', 'Ready', 'control-plane', '2d', 'v0.1.0-kedge', '192.168.1.20', '<none>', 'Debian GNU/Linux 12', '6.6.31', 'containerd://1.7.12', 'arm64', '4', '7.8Gi']);
  });
});

describe('pod tables', () => {
  it('adds the wide columns, and NAMESPACE first with -A', () => {
    const p: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hello-abc', namespace: 'default', creationTimestamp: '2024-05-01T11:56:48Z' },
      spec: { nodeName: 'pi-1', containers: [{ name: 'a', image: 'busybox:test' }, { name: 'b', image: 'busybox:test' }] },
      status: { phase: 'Running', podIP: '192.168.1.20', containerStatuses: [cs('a', true), cs('b', true, 1)] },
    };
    expect(render('Pod', [p], { wide: true, allNamespaces: true })).toBe(
      'NAMESPACE   NAME        READY   STATUS    RESTARTS   AGE     IP             NODE   NOMINATED NODE   READINESS GATES\n' +
        'default     hello-abc   2/2     Running   1          3m12s   192.168.1.20   pi-1   <none>           <none>\n',
    );
  });
});

describe('deployment tables', () => {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hello', namespace: 'default', creationTimestamp: '2024-05-01T07:00:00Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'hello' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] },
      template: { spec: { containers: [{ name: 'hello', image: 'busybox:test' }, { name: 'side', image: 'nginx:1' }] } },
    },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  it('shows ready/desired, up-to-date and available', () => {
    expect(render('Deployment', [d], { wide: false, allNamespaces: false })).toBe(
      'NAME    READY   UP-TO-DATE   AVAILABLE   AGE\n' + 'hello   2/3     3            2           5h\n',
    );
  });
  it('adds containers, images and the selector when wide', () => {
    const row = render('Deployment', [{ ...d, status: undefined }], { wide: true, allNamespaces: false }).split('\n')[1]!;
    expect(row.split(/\s{3,}/)).toEqual(['hello', '0/3', '0', '0', '5h', 'hello,side', 'busybox:test,nginx:1', 'app=hello,tier in (a,b)']);
  });
});

describe('namespace tables', () => {
  it('shows the phase, Active by default', () => {
    const text = render('Namespace', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', creationTimestamp: '2024-05-01T11:59:15Z' } }], { wide: false, allNamespaces: false });
    expect(text).toBe('NAME      STATUS   AGE\ndefault   Active   45s\n');
  });
});

describe('workload tables', () => {
  const at = Date.parse('2026-01-01T00:10:00Z');

  it('prints ReplicaSets as kubectl does', () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-abc', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'web:v1' }] } } },
      status: { replicas: 3, readyReplicas: 2 },
    };
    expect(render('ReplicaSet', [rs], { wide: false, allNamespaces: false, now: at })).toBe('NAME      DESIRED   CURRENT   READY   AGE\nweb-abc   3         3         2       10m\n');
  });

  it('prints DaemonSets with their node selector', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'col', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { selector: { matchLabels: { app: 'col' } }, template: { spec: { nodeSelector: { sensor: 'yes' }, containers: [{ name: 'c', image: 'col:v1' }] } } },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0 },
    };
    const out = render('DaemonSet', [ds], { wide: true, allNamespaces: false, now: at });
    expect(out.split('\n')[0]).toBe('NAME   DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES   SELECTOR');
    expect(out.split('\n')[1]).toMatch(/^col\s+2\s+2\s+1\s+2\s+1\s+sensor=yes\s+10m\s+c\s+col:v1\s+app=col$/);
  });
});

describe('cells', () => {
  it('a line break in a cell does not break its row', () => {
    expect(cellText('Back-off\n  restarting\r\nnow')).toBe('Back-off restarting now');
    expect(cellText(4)).toBe('4');
  });

  it('rows sort by namespace and name; events by when they were last seen', () => {
    const meta = (namespace: string, name: string) => ({ cells: [name], object: { metadata: { namespace, name } } });
    expect(sortRows('Pod', [meta('b', 'a'), meta('a', 'z'), meta('a', 'b')]).map((r) => r.cells[0])).toEqual(['b', 'z', 'a']);
    const ev = (name: string, lastTimestamp: string) => ({ cells: [name], object: { metadata: { name }, lastTimestamp } });
    expect(sortRows('Event', [ev('a', '2024-05-01T12:00:00Z'), ev('b', '2024-05-01T11:00:00Z')]).map((r) => r.cells[0])).toEqual(['b', 'a']);
  });
});
