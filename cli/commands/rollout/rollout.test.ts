import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../../shared/client.js';
import type { Deployment } from '../../../shared/deployment.js';
import { kindByName } from '../../../shared/kinds.js';
import type { ReplicaSet } from '../../../shared/replicaset.js';
import { parseArgs } from '../../flags/args.js';
import { memoryClient } from '../../connection/testing/memory-client.js';
import { historyText, revisionText } from './rollout-history.js';
import { deploymentRolloutState, runRolloutStatus } from './rollout-status.js';
import { undoDeployment, undoTarget } from './rollout-undo.js';
import { paused, restarted } from './rollout-edits.js';
import { rolloutCommand, rolloutRequestFromArgs } from './rollout.js';

const deploy = kindByName('Deployment')!;

function d(status: Deployment['status'], o: { generation?: number; replicas?: number; image?: string } = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: o.generation ?? 1, annotations: { 'deployment.kubernetes.io/revision': '2' } },
    spec: { replicas: o.replicas ?? 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: o.image ?? 'web:v2' }] } } },
    status,
  };
}

function rs(revision: number, image: string, cause?: string): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-h${revision}`,
      namespace: 'default',
      annotations: { 'deployment.kubernetes.io/revision': String(revision), ...(cause ? { 'kubernetes.io/change-cause': cause } : {}) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true }],
    },
    spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${revision}` } }, template: { metadata: { labels: { app: 'web', 'pod-template-hash': `h${revision}` } }, spec: { containers: [{ name: 'web', image }] } } },
  };
}

describe('rollout status lines (kubectl wording)', () => {
  it.each([
    [d({ observedGeneration: 0 }), 'Waiting for deployment spec update to be observed...', false],
    [d({ observedGeneration: 1, updatedReplicas: 1, replicas: 4 }), 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...', false],
    [d({ observedGeneration: 1, updatedReplicas: 3, replicas: 4 }), 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...', false],
    [d({ observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...', false],
    [d({ observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }), 'deployment "web" successfully rolled out', true],
  ] as const)('%#: %s', (dep, message, done) => {
    expect(deploymentRolloutState(dep)).toEqual({ message, done });
  });

  it('fails once the progress deadline has passed', () => {
    const stuck = d({ observedGeneration: 1, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    expect(() => deploymentRolloutState(stuck)).toThrow('deployment "web" exceeded its progress deadline');
  });

  it('follows the watch, printing each new line once, until done', async () => {
    const events: Deployment[] = [
      d({ observedGeneration: 1, updatedReplicas: 2, replicas: 4 }),
      d({ observedGeneration: 1, updatedReplicas: 2, replicas: 4 }),
      d({ observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
      d({ observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
    ];
    const out: string[] = [];
    let watchQuery: unknown;
    const client = {
      get: async <T>() => d({ observedGeneration: 1, updatedReplicas: 1, replicas: 4 }) as T,
      watch: <T>(_path: string, q: unknown, onEvent: (e: WatchEvent<T>) => void) => {
        watchQuery = q;
        setTimeout(() => events.forEach((o) => onEvent({ type: 'MODIFIED', object: o as T })), 1);
        return { stop() {} };
      },
    };
    expect(await runRolloutStatus(client, deploy, 'default', 'web', { timeoutMs: 0, watch: true }, { out: (t) => void out.push(t) })).toBe(0);
    expect(out.join('')).toBe(
      [
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
        'deployment "web" successfully rolled out',
        '',
      ].join('\n'),
    );
    expect(watchQuery).toMatchObject({ fieldSelector: 'metadata.name=web' });
  });

  it('rejects on the progress deadline and on --timeout', async () => {
    const stuck = d({ observedGeneration: 1, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] });
    const client = (later?: Deployment) => ({
      get: async <T>() => d({ observedGeneration: 1, updatedReplicas: 1 }) as T,
      watch: <T>(_p: string, _q: unknown, onEvent: (e: WatchEvent<T>) => void) => {
        if (later) setTimeout(() => onEvent({ type: 'MODIFIED', object: later as T }), 1);
        return { stop() {} };
      },
    });
    const io = { out: () => {} };
    await expect(runRolloutStatus(client(stuck), deploy, 'default', 'web', { timeoutMs: 0, watch: true }, io)).rejects.toThrow('exceeded its progress deadline');
    await expect(runRolloutStatus(client(), deploy, 'default', 'web', { timeoutMs: 20, watch: true }, io)).rejects.toThrow('timed out waiting for the condition');
  });
});

describe('rollout history and undo', () => {
  it('lists revisions with their change-cause, and one revision in detail', () => {
    const text = historyText('deployment.apps/web', [rs(1, 'web:v1'), rs(2, 'web:v2', 'kubectl set image deploy/web web=web:v2')]);
    expect(text).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image deploy/web web=web:v2\n\n');
    const one = revisionText('deployment.apps/web', rs(1, 'web:v1'));
    expect(one).toBe(
      [
        'deployment.apps/web with revision #1',
        'Pod Template:',
        '  Labels:\tapp=web',
        '\tpod-template-hash=h1',
        '  Containers:',
        '   web:',
        '    Image:\tweb:v1',
        '    Port:\t<none>',
        '    Host Port:\t<none>',
        '    Environment:\t<none>',
        '    Mounts:\t<none>',
        '  Volumes:\t<none>',
        '  Node-Selectors:\t<none>',
        '  Tolerations:\t<none>',
        '',
        '',
      ].join('\n'),
    );
  });

  it('picks the previous revision, or the one asked for', () => {
    const list = [rs(3, 'web:v3'), rs(1, 'web:v1'), rs(2, 'web:v2')];
    expect(undoTarget(d({}), list, 0).metadata.name).toBe('web-h2');
    expect(undoTarget(d({}), list, 1).metadata.name).toBe('web-h1');
    expect(() => undoTarget(d({}), list, 7)).toThrow('unable to find specified revision 7 in history');
    expect(() => undoTarget(d({}), [rs(1, 'x')], 0)).toThrow('no rollout history found for deployment "web"');
  });

  it('writes the old template without the hash label and the old change-cause; skips when already there', async () => {
    const client = memoryClient();
    client.put(d({}));
    client.put(rs(1, 'web:v1', 'first'));
    client.put(rs(2, 'web:v2'));
    expect(await undoDeployment(client, 'default', 'web', 0)).toEqual({ rolledBack: true, revision: 1 });
    const after = await client.get<Deployment>('Deployment', 'default', 'web');
    expect(after.spec.template).toEqual({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:v1' }] } });
    expect(after.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'first' });
    expect(await undoDeployment(client, 'default', 'web', 1)).toEqual({ rolledBack: false, revision: 1 });
  });
});

describe('rollout restart, pause and arguments', () => {
  it('restart sets the restartedAt template annotation; a paused Deployment refuses', () => {
    const r = restarted(d({}), new Date('2026-03-01T10:00:00.123Z'));
    expect(r.spec.template.metadata?.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '2026-03-01T10:00:00Z' });
    const p = d({});
    p.spec.paused = true;
    expect(() => restarted(p, new Date())).toThrow("can't restart paused deployment");
    expect(() => paused(p, true, 'deployment.apps/web')).toThrow('deployment.apps/web is already paused');
    expect(paused(p, false, 'x').spec.paused).toBe(false);
  });

  it('parses subcommands, targets and flags', () => {
    const parse = (argv: string[]) => rolloutRequestFromArgs(parseArgs(argv, rolloutCommand.flags, { command: 'kedge rollout' }));
    expect(parse(['undo', 'deploy/web', '--to-revision', '2'])).toMatchObject({ action: 'undo', names: ['web'], toRevision: 2 });
    expect(parse(['status', 'deployment', 'web', '--timeout', '1m30s'])).toMatchObject({ action: 'status', timeoutMs: 90_000, watch: true });
    expect(parse(['status', 'ds/agent', '--watch=false'])).toMatchObject({ watch: false });
    expect(() => parse(['rewind', 'deploy/web'])).toThrow('rollout needs one of status, history, undo, restart, pause, resume');
    expect(() => parse(['undo', 'ds/agent'])).toThrow('rollout undo: kedge supports deployments here, not daemonsets');
    expect(() => parse(['status', 'deploy/web', '--timeout', 'soon'])).toThrow('--timeout: "soon" is not a duration');
  });
});

