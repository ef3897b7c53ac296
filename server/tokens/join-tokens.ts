import { createHash, randomBytes, randomInt } from 'node:crypto';
import { KedgeError } from '../../shared/errors.js';
import type { CreateJoinToken, JoinTokenInfo, NewJoinToken } from '../../shared/join-tokens.js';
import { caMatches, formatJoinToken, parseJoinToken } from '../../shared/token.js';
import { secretEquals } from '../nodes/credentials.js';
import type { Store } from '../store/types.js';
import { writeFileAtomicSync } from '../../shared/atomic-file.js';

export interface JoinTokensDeps {
  store: Pick<Store, 'joinTokens'>;
  caPem: string;
  /** The bootstrap token as read from <data-dir>/token. */
  bootstrapToken: string;
  /** Where rotate writes the new bootstrap token (0600). */
  tokenFile: string;
  now?: () => Date;
  random?: (bytes: number) => Buffer;
  log?: (msg: string) => void;
}

/** Extra tokens' secrets: <id>.<secret>, kubeadm's bootstrap-token shape, which a bootstrap secret never has. */
const extraSecret = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Join tokens: the bootstrap one in <data-dir>/token plus any made with `kedge token create`
 * (stored in SQLite as hashes, optionally expiring). A join succeeds with any valid, unexpired token.
 */
export function createJoinTokens(d: JoinTokensDeps) {
  const now = d.now ?? (() => new Date());
  const random = d.random ?? randomBytes;
  let bootstrap = d.bootstrapToken;

  const randomText = (n: number) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
  const info = (t: { id: string; description: string; createdAt: string; expiresAt?: string }): JoinTokenInfo => ({
    id: t.id,
    description: t.description,
    createdAt: t.createdAt,
    ...(t.expiresAt ? { expiresAt: t.expiresAt } : {}),
    expired: t.expiresAt !== undefined && Date.parse(t.expiresAt) <= now().getTime(),
  });

  return {
    /** The bootstrap token as it is now (it changes on rotate). */
    get bootstrapToken(): string {
      return bootstrap;
    },

    /** True for the bootstrap token and for any stored token that exists and has not expired. */
    verify(token: string): boolean {
      if (secretEquals(token, bootstrap)) return true;
      let parsed;
      try {
        parsed = parseJoinToken(token);
      } catch {
        return false;
      }
      if (!caMatches(parsed, d.caPem)) return false;
      const m = extraSecret.exec(parsed.secret);
      if (!m) return false;
      const stored = d.store.joinTokens.get(m[1]!);
      if (!stored || !secretEquals(sha256(m[2]!), stored.secretHash)) return false;
      return stored.expiresAt === undefined || Date.parse(stored.expiresAt) > now().getTime();
    },

    create(req: CreateJoinToken): NewJoinToken {
      const created = now();
      let id = randomText(6);
      for (let i = 0; i < 5 && d.store.joinTokens.get(id); i++) id = randomText(6);
      const secret = randomText(16);
      const record = {
        id,
        secretHash: sha256(secret),
        description: req.description ?? '',
        createdAt: created.toISOString(),
        ...(req.ttlSeconds !== undefined ? { expiresAt: new Date(created.getTime() + req.ttlSeconds * 1000).toISOString() } : {}),
      };
      d.store.joinTokens.put(record);
      d.log?.(`join token ${id} created${record.expiresAt ? `, expires ${record.expiresAt}` : ''}`);
      return { ...info(record), token: formatJoinToken(d.caPem, `${id}.${secret}`) };
    },

    list(): JoinTokenInfo[] {
      return [{ id: 'bootstrap', description: 'the server\'s token file', expired: false }, ...d.store.joinTokens.list().map(info)];
    },

    delete(id: string): void {
      if (id === 'bootstrap') throw new KedgeError('BadRequest', 'the bootstrap token cannot be deleted; replace it with "kedge token rotate"');
      if (!d.store.joinTokens.delete(id)) throw new KedgeError('NotFound', `join token "${id}" not found`);
      d.log?.(`join token ${id} deleted`);
    },

    /** A new bootstrap secret, written to the token file; the old bootstrap token stops working. */
    rotate(): NewJoinToken {
      const next = formatJoinToken(d.caPem, random(32).toString('hex'));
      writeFileAtomicSync(d.tokenFile, `${next}\n`, 0o600);
      bootstrap = next;
      d.log?.(`the bootstrap join token was rotated; ${d.tokenFile} holds the new one`);
      return { id: 'bootstrap', description: 'the server\'s token file', expired: false, token: next };
    },
  };
}

export type JoinTokens = ReturnType<typeof createJoinTokens>;
