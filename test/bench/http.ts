/** A keep-alive HTTPS client for load: one pool of connections, each request timed. */
import https from 'node:https';

export interface TimedResponse {
  status: number;
  text: string;
  ms: number;
}

export interface LoadClient {
  request(method: string, path: string, body?: unknown): Promise<TimedResponse>;
  /** Parses JSON and throws on HTTP errors. */
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  close(): void;
}

export function createLoadClient(o: { url: string; ca: string; token: string; connections: number; timeoutMs?: number }): LoadClient {
  const base = new URL(o.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: o.connections, ca: o.ca });
  const request = (method: string, path: string, body?: unknown): Promise<TimedResponse> => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: `Bearer ${o.token}`, accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = https.request(
        { host: base.hostname, port: base.port, path, method, headers, agent, timeout: o.timeoutMs ?? 60_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${(o.timeoutMs ?? 60_000) / 1000} s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  };
  return {
    request,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const r = await request(method, path, body);
      if (r.status >= 400) throw new Error(`${method} ${path}: HTTP ${r.status}: ${r.text.slice(0, 300)}`);
      return JSON.parse(r.text) as T;
    },
    close: () => agent.destroy(),
  };
}

/** Runs `total` tasks with `concurrency` workers; each task gets its index. */
export async function runPool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** Plain GET without certificate checks: for polling /readyz of a server whose CA is not known yet. */
export function probe(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { rejectUnauthorized: false, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}
