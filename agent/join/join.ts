import { createApiClient } from '../../shared/client.js';
import { KedgeError, isKedgeError } from '../../shared/errors.js';
import { joinRequestSchema, joinResponseSchema, type JoinRequest, type JoinResponse } from '../../shared/messages.js';
import { caHash, parseJoinToken } from '../../shared/token.js';
import { fieldPath, issuesText } from '../../shared/validate.js';
import { credentialsPath, loadCredentials, saveCredentials } from './credentials.js';
import { loadOrCreateNodePassword } from './password.js';

export interface JoinOptions {
  /** https://host:6443 */
  server: string;
  token: string;
  nodeName: string;
  dataDir: string;
  labels?: Record<string, string>;
  timeoutMs?: number;
  random?: (n: number) => Buffer;
  log?: (msg: string) => void;
}

export interface JoinResult extends JoinResponse {
  /** True when the server could not be reached and the saved credentials are used. */
  fromCache: boolean;
  nodePassword: string;
}

/**
 * Registers the node: fetch /cacerts without trust, check it against the token's CA hash, and only
 * then send the token (trusting only that CA). Falls back to the saved credentials when the server
 * cannot be reached, so a rebooted edge node still comes up offline.
 */
export async function joinServer(o: JoinOptions): Promise<JoinResult> {
  const log = o.log ?? (() => undefined);
  const token = parseToken(o.token);
  const nodePassword = await loadOrCreateNodePassword(o.dataDir, o.random);
  const request = checkRequest({ nodeName: o.nodeName, nodePassword, labels: o.labels });
  const timeoutMs = o.timeoutMs ?? 10_000;

  let response: JoinResponse;
  try {
    const insecure = createApiClient({ server: o.server, insecure: true, timeoutMs });
    const caPem = await insecure.request<unknown>('GET', '/cacerts', undefined, { headers: { accept: 'application/x-pem-file, text/plain' } });
    if (typeof caPem !== 'string' || !caPem.includes('BEGIN CERTIFICATE')) {
      throw new KedgeError('BadRequest', `${o.server}/cacerts did not return a PEM certificate; is --server a kedge server?`);
    }
    const got = caHash(caPem);
    if (got !== token.caHash) {
      throw new KedgeError(
        'Unauthorized',
        `the server's CA does not match the join token (expected hash ${token.caHash}, got ${got}); refusing to send the token. Check --server and --token.`,
      );
    }
    const trusted = createApiClient({ server: o.server, ca: caPem, token: o.token.trim(), timeoutMs });
    const body = await trusted.request<unknown>('POST', '/kedge/v1/join', request);
    const parsed = joinResponseSchema.safeParse(body);
    if (!parsed.success) {
      const why = issuesText(parsed.error);
      throw new KedgeError('BadRequest', `the server's join answer is invalid (${why})`);
    }
    response = parsed.data;
  } catch (e) {
    const refusedToken = isKedgeError(e, 'Unauthorized') && !/CA does not match|TLS check failed/.test(e.message);
    if (refusedToken) {
      // A rotated or deleted join token only stops new joins: a node that joined before keeps its own
      // MQTT credentials (revoking a node is `kedge delete node`), so a restart after a rotation still works.
      const saved = await loadCredentials(o.dataDir);
      if (saved.creds && saved.creds.nodeName === o.nodeName) {
        log(`join: the server refused the join token (rotated or deleted?); starting with the credentials saved at the first join`);
        return { ...saved.creds, fromCache: true, nodePassword };
      }
    }
    if (!isUnreachable(e)) throw explain(e, o);
    const saved = await loadCredentials(o.dataDir);
    if (!saved.creds) {
      throw new KedgeError('ServiceUnavailable', `cannot join: ${(e as Error).message}, and no saved credentials to start with (${saved.problem})`, { cause: e });
    }
    if (saved.creds.nodeName !== o.nodeName) {
      throw new KedgeError(
        'Conflict',
        `cannot join: ${(e as Error).message}; the saved credentials in ${credentialsPath(o.dataDir)} are for node ${saved.creds.nodeName}, not ${o.nodeName}`,
        { cause: e },
      );
    }
    log(`join: ${(e as Error).message}; starting with the saved credentials`);
    return { ...saved.creds, fromCache: true, nodePassword };
  }
  await saveCredentials(o.dataDir, response);
  return { ...response, fromCache: false, nodePassword };
}

function parseToken(token: string) {
  try {
    return parseJoinToken(token);
  } catch (e) {
    const msg = (e as Error).message.replace(/^token: /, '');
    throw new KedgeError('BadRequest', `--token: ${msg}`, { cause: e });
  }
}

function checkRequest(req: JoinRequest): JoinRequest {
  const r = joinRequestSchema.safeParse(req);
  if (r.success) return r.data;
  const flag: Record<string, string> = { nodeName: '--node-name', labels: '--node-label', nodePassword: 'node-password file' };
  const issue = r.error.issues[0]!;
  const field = flag[String(issue.path[0])] ?? fieldPath(issue.path);
  throw new KedgeError('Invalid', `${field}: ${issue.message}`);
}

/** Connection failures, timeouts, server-side errors and the join rate limit: the saved credentials may be used. */
function isUnreachable(e: unknown): boolean {
  return isKedgeError(e) && (e.code === 'ServiceUnavailable' || e.code === 'Timeout' || e.code === 'InternalError' || e.code === 'TooManyRequests');
}

function explain(e: unknown, o: JoinOptions): unknown {
  if (!isKedgeError(e)) return e;
  switch (e.code) {
    case 'Unauthorized':
      if (/CA does not match|TLS check failed/.test(e.message)) return e;
      return new KedgeError('Unauthorized', `the server refused the join token (${e.message}); check --token`, { cause: e });
    case 'Forbidden':
      return new KedgeError('Forbidden', `the server refused to let node ${o.nodeName} join (${e.message}); check --token`, { cause: e });
    case 'Conflict':
    case 'AlreadyExists':
      return new KedgeError(
        'Conflict',
        `node name ${o.nodeName} is already taken by another node (${e.message}); choose another --node-name, or delete the old node on the server`,
        { cause: e },
      );
    default:
      return e;
  }
}
