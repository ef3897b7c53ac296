import type { KObject } from '../../../shared/meta.js';
import type { JoinRequest } from '../../../shared/messages.js';
import { networkClaims } from '../../network/claims.js';
import { openStore } from '../../store/store.js';
import type { Store } from '../../store/types.js';
import { createApi } from '../app.js';
import { ensureSystemNamespaces } from '../namespaces.js';
import type { ApiDeps } from '../types.js';

export const adminToken = 'admin-token-0123456789';
export const joinToken = 'K10' + 'a'.repeat(64) + '::node:join-secret-0123456789';

/** An API over a fresh in-memory store, recording join calls; for tests only. */
export function testApi(overrides: Partial<ApiDeps> = {}) {
  const store: Store = openStore(':memory:', { claims: networkClaims });
  ensureSystemNamespaces(store);
  const joins: JoinRequest[] = [];
  const logs: string[] = [];
  const app = createApi({
    store,
    adminToken,
    caPem: '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n',
    verifyJoinToken: (t) => t === joinToken,
    join: async (req) => {
      joins.push(req);
      return { nodeName: req.nodeName, ca: 'ca', mqtt: { url: 'mqtts://127.0.0.1:8883', username: req.nodeName, password: 'pw' } };
    },
    log: (m) => logs.push(m),
    ...overrides,
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { app, store, joins, logs, call };
}

export function podManifest(name: string, labels: Record<string, string> = {}, namespace?: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
  };
}

export function deploymentManifest(name: string, replicas?: number): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

/** Reads newline-delimited events from a response body until `count` have arrived. */
export function eventReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  return {
    async next(count: number): Promise<{ type: string; object: KObject & { metadata: { name: string; resourceVersion: string } } }[]> {
      const out = [];
      while (out.length < count) {
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          out.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
          continue;
        }
        const { done, value } = await reader.read();
        if (done) throw new Error(`stream ended after ${out.length} of ${count} events`);
        buf += decoder.decode(value, { stream: true });
      }
      return out;
    },
    async ended(): Promise<boolean> {
      const { done } = await reader.read();
      return done;
    },
    cancel: () => reader.cancel(),
  };
}
