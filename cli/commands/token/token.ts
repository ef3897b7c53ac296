import type { ApiClient } from '../../../shared/client.js';
import { KedgeError } from '../../../shared/errors.js';
import { joinTokenListSchema, joinTokensPath, newJoinTokenSchema, type CreateJoinToken } from '../../../shared/join-tokens.js';
import { formatAge } from '../../../shared/age.js';
import { stringOption, type ParsedArgs } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { parseDuration } from '../../flags/duration.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';
import { renderTable } from '../../printing/table.js';

export type TokenAction = { action: 'create'; body: CreateJoinToken } | { action: 'list' } | { action: 'delete'; ids: string[] } | { action: 'rotate' };

/** Arguments → what to do (no I/O). */
export function tokenActionFrom(args: ParsedArgs): TokenAction {
  const [action, ...rest] = args.positionals;
  switch (action) {
    case 'create': {
      if (rest.length) throw new KedgeError('BadRequest', `token create takes no arguments; got "${rest.join(' ')}"`);
      const ttl = stringOption(args, 'ttl');
      const description = stringOption(args, 'description');
      let ttlSeconds: number | undefined;
      if (ttl !== undefined && ttl !== '0') {
        ttlSeconds = Math.ceil(parseDuration(ttl, '--ttl') / 1000);
        if (ttlSeconds < 1) throw new KedgeError('BadRequest', `--ttl: "${ttl}" must be at least 1s (0: never expires)`);
      }
      return { action, body: { ...(ttlSeconds !== undefined ? { ttlSeconds } : {}), ...(description ? { description } : {}) } };
    }
    case 'list':
      return { action };
    case 'delete':
      if (!rest.length) throw new KedgeError('BadRequest', 'token delete needs the ID of each token to delete (see "kedge token list")');
      return { action, ids: rest };
    case 'rotate':
      return { action };
    default:
      throw new KedgeError('BadRequest', `token needs create, list, delete or rotate${action ? `, not "${action}"` : ''}`);
  }
}

export async function runToken(client: Pick<ApiClient, 'request'>, a: TokenAction, io: Pick<CliIo, 'out' | 'err' | 'now'>): Promise<number> {
  switch (a.action) {
    case 'create': {
      const t = newJoinTokenSchema.parse(await client.request('POST', joinTokensPath, a.body));
      io.out(`${t.token}\n`);
      io.err(`join token ${t.id} created${t.expiresAt ? `; it expires ${t.expiresAt}` : '; it never expires'} (the secret is not shown again)\n`);
      return 0;
    }
    case 'list': {
      const { items } = joinTokenListSchema.parse(await client.request('GET', joinTokensPath));
      const rows = items.map((t) => [
        t.id,
        t.createdAt ? formatAge(t.createdAt, io.now()) : '<unknown>',
        t.expired ? 'expired' : t.expiresAt ? t.expiresAt : '<never>',
        t.description || '<none>',
      ]);
      io.out(renderTable(['ID', 'AGE', 'EXPIRES', 'DESCRIPTION'], rows));
      return 0;
    }
    case 'delete':
      for (const id of a.ids) {
        await client.request('DELETE', `${joinTokensPath}/${encodeURIComponent(id)}`);
        io.out(`join token ${id} deleted\n`);
      }
      return 0;
    case 'rotate': {
      const t = newJoinTokenSchema.parse(await client.request('POST', `${joinTokensPath}/rotate`));
      io.out(`${t.token}\n`);
      io.err('the bootstrap token was replaced (the server\'s token file holds the new one); the old one no longer joins nodes\n');
      return 0;
    }
  }
}

export const tokenCommand: Command = {
  name: 'token',
  usage: 'kedge token create [--ttl 24h] [--description TEXT] | list | delete ID… | rotate',
  description: [
    'Manage join tokens. Besides the bootstrap token in the server\'s <data-dir>/token, extra tokens can be',
    'created (optionally expiring), listed and deleted; a node joins with any valid, unexpired one.',
    'rotate replaces the bootstrap token and rewrites the token file. Nodes that joined keep running; one',
    'restarted with a deleted, expired or rotated token is refused, so give it a current token.',
  ].join('\n'),
  flags: [
    { name: 'ttl', type: 'string', valueName: 'DURATION', description: 'create: the token expires after this long, e.g. 24h (default: never)' },
    { name: 'description', type: 'string', valueName: 'TEXT', description: 'create: a note shown by list' },
    ...connectionFlags,
  ],
  examples: ['kedge token create --ttl 24h --description "rack 2"', 'kedge token list', 'kedge token delete abc123', 'kedge token rotate'],
  async run(args, io) {
    const a = tokenActionFrom(args);
    const { client } = connect(args, io);
    return runToken(client, a, io);
  },
};
