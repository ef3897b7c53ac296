import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import { bearerToken, sameSecret } from './auth.js';
import { binaryName, downloadName, type Distribution } from './distribution.js';
import type { ApiDeps } from './types.js';

/** Where agents download the kedge binary; the admin middleware lets this prefix through, these routes check the token. */
export const downloadPrefix = '/kedge/v1/download/';

type DownloadDeps = Pick<ApiDeps, 'adminToken' | 'verifyJoinToken'> & { distribution: Distribution };

/**
 * GET /install.sh (no auth: the script itself pins the CA before it sends a token) and
 * GET /kedge/v1/download/kedge-linux-<arch>[.sha256] (join token or admin token).
 */
export function downloadRoutes(deps: DownloadDeps): Hono {
  const app = new Hono();
  const { distribution } = deps;

  app.get('/install.sh', (c) => {
    const script = distribution.installScript();
    if (script === undefined) throw new KedgeError('NotFound', 'install.sh: this kedge build carries no install script');
    return c.body(script, 200, { 'Content-Type': 'text/x-shellscript; charset=utf-8', 'Cache-Control': 'no-store' });
  });

  app.get(`${downloadPrefix}:file`, async (c) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !(deps.verifyJoinToken(token) || sameSecret(token, deps.adminToken))) {
      throw new KedgeError('Unauthorized', 'Unauthorized: downloads need the join token or the admin token (Authorization: Bearer …)');
    }
    const file = c.req.param('file');
    const m = downloadName.exec(file);
    if (!m) throw new KedgeError('NotFound', `${downloadPrefix}${file}: kedge serves kedge-linux-<arch> and kedge-linux-<arch>.sha256 here`);
    const arch = m[1]!;
    const path = distribution.binaryPath(arch);
    if (!path) {
      throw new KedgeError('NotFound', `no kedge binary for linux/${arch} on this server: place ${binaryName(arch)} in ${distribution.extraDir}/`);
    }
    if (m[2]) {
      const hex = await distribution.sha256(path);
      return c.body(`${hex}  ${binaryName(arch)}\n`, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    }
    // Streamed: the binary is tens of megabytes and a Pi server has little memory.
    const size = statSync(path).size;
    const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    return c.body(body, 200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size), 'Cache-Control': 'no-store' });
  });
  return app;
}
