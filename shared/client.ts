import https from 'node:https';
import http from 'node:http';
import type { DeleteOptions } from './delete-options.js';
import { KedgeError, fromStatus } from './errors.js';
import type { KObject } from './meta.js';
import { kindByName, resourcePath, type KindInfo } from './kinds.js';
import { tableMediaType, type IncludeObject, type Table } from './table.js';

/** Methods whose request may be sent twice without changing the outcome. */
const idempotent = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

export interface ClientOptions {
  /** https://host:6443 */
  server: string;
  /** PEM of the CA that signed the server's certificate; absent means the system's roots. */
  ca?: string;
  token?: string;
  /** Skip certificate checks (only for fetching /cacerts before the hash check). */
  insecure?: boolean;
  timeoutMs?: number;
  /** Where these settings came from (kubeconfig file and context), named in connection and 401 errors. */
  source?: string;
  /** Every write (anything but GET) is a server-side dry run (?dryRun=All): checked and answered, never stored. */
  dryRun?: boolean;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Raw request body (string) instead of JSON.stringify(body). */
  raw?: string;
  timeoutMs?: number;
}

export interface ListResult<T = KObject> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string };
  items: T[];
}

export interface WatchEvent<T = KObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export type ApiClient = ReturnType<typeof createApiClient>;

function kindOf(k: string | KindInfo): KindInfo {
  if (typeof k !== 'string') return k;
  const info = kindByName(k);
  if (!info) throw new KedgeError('NotFound', `kind "${k}" is not served by kedge`);
  return info;
}

/** A small HTTPS client for the kedge API, with no dependency beyond node:https. */
export function createApiClient(opts: ClientOptions) {
  const base = new URL(opts.server);
  const mod = base.protocol === 'http:' ? http : https;

  function urlFor(path: string, query: RequestOptions['query']): URL {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  function headersFor(accept: string, extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { accept, ...extra };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    return headers;
  }

  /** An error status's body is a Kubernetes Status: read it whole and turn it into the KedgeError it describes. */
  function statusError(res: http.IncomingMessage): Promise<Error> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let body: unknown;
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { body = undefined; }
        resolve(withSource(fromStatus(body, res.statusCode ?? 500), opts.source));
      });
    });
  }

  function send(method: string, path: string, body: unknown, ro: RequestOptions = {}, retried = false): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
    const url = urlFor(path, opts.dryRun && method !== 'GET' ? { ...ro.query, dryRun: 'All' } : ro.query);
    const payload = ro.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const headers = headersFor('application/json', ro.headers);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = mod.request(
        url,
        { method, headers, ca: opts.ca, rejectUnauthorized: !opts.insecure, timeout: ro.timeoutMs ?? opts.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new KedgeError('Timeout', `${method} ${url.href}: no answer within ${(ro.timeoutMs ?? opts.timeoutMs ?? 30_000) / 1000}s`)));
      req.on('error', (e) => {
        // A kept-alive socket the server closed as it was reused: the request never reached it, so an idempotent one is sent again.
        if (!retried && req.reusedSocket && (e as NodeJS.ErrnoException).code === 'ECONNRESET' && idempotent.has(method)) resolve(send(method, path, body, ro, true));
        else reject(connectionError(e, url.href, opts.source));
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async function request<T = unknown>(method: string, path: string, body?: unknown, ro?: RequestOptions): Promise<T> {
    const res = await send(method, path, body, ro);
    let parsed: unknown = undefined;
    if (res.text) {
      try {
        parsed = JSON.parse(res.text);
      } catch {
        parsed = res.text;
      }
    }
    if (res.status >= 400) throw withSource(fromStatus(parsed, res.status), opts.source);
    return parsed as T;
  }

  /**
   * Streams newline-delimited watch events until `stop()` or the server ends the stream; with
   * `accept: tableMediaType` each event's object is a one-row Table.
   */
  function watch<T = KObject>(path: string, query: RequestOptions['query'], onEvent: (e: WatchEvent<T>) => void, onEnd?: (err?: Error) => void, o: { accept?: string } = {}): { stop: () => void } {
    const url = urlFor(path, { ...query, watch: '1' });
    const headers = headersFor(o.accept ?? 'application/json');
    let stopped = false;
    const req = mod.request(url, { method: 'GET', headers, ca: opts.ca, rejectUnauthorized: !opts.insecure }, (res) => {
      if ((res.statusCode ?? 0) >= 400) {
        void statusError(res).then((e) => onEnd?.(e));
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent<T>);
        }
      });
      res.on('end', () => onEnd?.());
      res.on('error', (e) => { if (!stopped) onEnd?.(e); });
    });
    req.on('error', (e) => { if (!stopped) onEnd?.(connectionError(e, url.href, opts.source)); });
    req.end();
    return { stop: () => { stopped = true; req.destroy(); } };
  }

  /**
   * GETs a streamed body (pod logs, -f): each chunk goes to `onData` as it arrives. Resolves at the
   * end of the body; an error status rejects with the Status's message. `stop()` ends it early.
   */
  function stream(path: string, query: RequestOptions['query'], onData: (chunk: Buffer) => void): { done: Promise<void>; stop: () => void } {
    const url = urlFor(path, query);
    const headers = headersFor('*/*');
    let stopped = false;
    let req: http.ClientRequest | undefined;
    const done = new Promise<void>((resolve, reject) => {
      req = mod.request(url, { method: 'GET', headers, ca: opts.ca, rejectUnauthorized: !opts.insecure }, (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          void statusError(res).then(reject);
          return;
        }
        res.on('data', (c: Buffer) => onData(c));
        res.on('end', () => resolve());
        res.on('error', (e) => (stopped ? resolve() : reject(e)));
        res.on('close', () => resolve());
      });
      req.on('error', (e) => (stopped ? resolve() : reject(connectionError(e, url.href, opts.source))));
      req.end();
    });
    return {
      done,
      stop: () => {
        stopped = true;
        req?.destroy();
      },
    };
  }

  return {
    options: opts,
    request,
    watch,
    stream,
    list<T = KObject>(kind: string | KindInfo, q: { namespace?: string; labelSelector?: string } = {}) {
      return request<ListResult<T>>('GET', resourcePath(kindOf(kind), q.namespace), undefined, { query: { labelSelector: q.labelSelector } });
    },
    get<T = KObject>(kind: string | KindInfo, namespace: string | undefined, name: string) {
      return request<T>('GET', resourcePath(kindOf(kind), namespace, name));
    },
    /** The server's printed columns for a list, or for one object with `name`, as kubectl asks for them. */
    table(kind: string | KindInfo, q: { namespace?: string; name?: string; labelSelector?: string; includeObject?: IncludeObject } = {}) {
      const query = { labelSelector: q.labelSelector, includeObject: q.includeObject };
      return request<Table>('GET', resourcePath(kindOf(kind), q.namespace, q.name), undefined, { query, headers: { accept: tableMediaType } });
    },
    create<T extends KObject>(obj: T) {
      return request<T>('POST', resourcePath(kindOf(obj.kind), obj.metadata.namespace ?? 'default'), obj);
    },
    update<T extends KObject>(obj: T) {
      return request<T>('PUT', resourcePath(kindOf(obj.kind), obj.metadata.namespace ?? 'default', obj.metadata.name), obj);
    },
    /** With `options`, the DeleteOptions body (gracePeriodSeconds, propagationPolicy) kubectl sends too. */
    delete(kind: string | KindInfo, namespace: string | undefined, name: string, options?: Omit<DeleteOptions, 'kind' | 'apiVersion'>) {
      const body = options ? { kind: 'DeleteOptions', apiVersion: 'v1', ...options } : undefined;
      return request<KObject>('DELETE', resourcePath(kindOf(kind), namespace, name), body);
    },
  };
}

function connectionError(e: Error, url: string, source?: string): Error {
  if (e instanceof KedgeError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const from = source ? `; the server address comes from ${source}` : '';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET' || code === 'ETIMEDOUT') {
    return new KedgeError('ServiceUnavailable', `cannot reach the kedge server at ${url} (${code})${from}`, { cause: e });
  }
  if (/certificate|self.signed|SSL|TLS/i.test(code + e.message)) {
    const ca = source ? `is the CA in ${source} the server's?` : "is the CA in your kubeconfig the server's?";
    return new KedgeError('Unauthorized', `TLS check failed for ${url}: ${e.message} (${ca})`, { cause: e });
  }
  return new KedgeError('ServiceUnavailable', `request to ${url} failed: ${e.message}${from}`, { cause: e });
}

/** A 401 says which credentials were refused, so the user knows which file to fix. */
function withSource(err: KedgeError, source: string | undefined): KedgeError {
  if (err.code !== 'Unauthorized' || !source) return err;
  return new KedgeError('Unauthorized', `${err.message} (the server refused the token from ${source}; print a fresh kubeconfig on the server with "sudo kedge kubeconfig --server https://HOST:6443")`, {
    cause: err,
    details: err.details,
  });
}
