import { describe, expect, it } from 'vitest';
import type { ConfigMap, Secret } from '../../shared/configmap.js';
import type { Container } from '../../shared/pod.js';
import { expandVars, resolveEnv } from './env.js';
import { testPod } from './testing/pod-fixtures.js';
import { configSources } from './sources.js';

const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { MODE: 'fast', 'bad key': 'x', level: '3' } };
const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' }, data: { PASSWORD: Buffer.from('s3cr3t').toString('base64') } };
const sources = configSources([cm], [secret]);
const f = { nodeName: 'edge-1', hostIP: '10.0.0.9' };

function env(container: Partial<Container>) {
  const pod = testPod('web', { containers: [container], spec: { nodeName: 'edge-1' } });
  pod.metadata.labels = { app: 'web' };
  return Object.fromEntries(resolveEnv(pod, pod.spec.containers[0]!, sources, f));
}

describe('container env', () => {
  it('resolves envFrom with prefix, then env overriding it, with valueFrom and fieldRef', () => {
    expect(
      env({
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'db' } }],
        env: [
          { name: 'CFG_MODE', value: 'slow' },
          { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'level' } } },
          { name: 'PW', valueFrom: { secretKeyRef: { name: 'db', key: 'PASSWORD' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'URL', value: 'http://$(HOST):$(LEVEL)/$(NOPE)/$$(HOST)' },
          { name: 'EMPTY' },
        ],
      }),
    ).toEqual({
      CFG_MODE: 'slow',
      CFG_level: '3',
      PASSWORD: 's3cr3t',
      LEVEL: '3',
      PW: 's3cr3t',
      POD: 'web',
      NS: 'default',
      UID: 'uid-web',
      NODE: 'edge-1',
      IP: '10.0.0.9',
      HOST: '10.0.0.9',
      APP: 'web',
      URL: 'http://10.0.0.9:3/$(NOPE)/$(HOST)',
      EMPTY: '',
    });
  });

  it.each([
    [{ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] }, 'configmap "nope" not found'],
    [{ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, "couldn't find key k in ConfigMap default/cfg"],
    [{ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }, 'secret "nope" not found'],
    [{ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'k' } } }] }, "couldn't find key k in Secret default/db"],
    [{ envFrom: [{ secretRef: { name: 'gone' } }] }, 'secret "gone" not found'],
    [{ envFrom: [{ configMapRef: { name: 'gone' } }] }, 'configmap "gone" not found'],
    [{ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }, 'unsupported fieldPath "spec.bogus"'],
  ])('%j fails with "%s"', (c, message) => {
    expect(() => env(c)).toThrow(message);
  });

  it('skips optional references that are missing', () => {
    expect(
      env({
        envFrom: [{ secretRef: { name: 'gone', optional: true } }],
        env: [
          { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
          { name: 'B', valueFrom: { secretKeyRef: { name: 'db', key: 'k', optional: true } } },
        ],
      }),
    ).toEqual({});
  });

  it('expandVars', () => {
    const vars = new Map([['A', 'x']]);
    expect(expandVars('$(A)-$(B)-$$-$', vars)).toBe('x-$(B)-$-$');
  });
});
