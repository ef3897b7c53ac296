import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../flags/args.js';
import { runToken, tokenActionFrom, tokenCommand } from './token.js';

const args = (argv: string[]) => parseArgs(argv, tokenCommand.flags, { command: 'kedge token' });

describe('kedge token', () => {
  it('parses the actions and the ttl', () => {
    expect(tokenActionFrom(args(['create', '--ttl', '24h', '--description', 'rack 2']))).toEqual({ action: 'create', body: { ttlSeconds: 86400, description: 'rack 2' } });
    expect(tokenActionFrom(args(['create']))).toEqual({ action: 'create', body: {} });
    expect(tokenActionFrom(args(['delete', 'abc123', 'def456']))).toEqual({ action: 'delete', ids: ['abc123', 'def456'] });
    expect(() => tokenActionFrom(args(['create', '--ttl', 'soon']))).toThrow('--ttl: "soon" is not a duration');
    expect(() => tokenActionFrom(args(['delete']))).toThrow(/needs the ID/);
    expect(() => tokenActionFrom(args(['frob']))).toThrow('token needs create, list, delete or rotate, not "frob"');
  });

  it('prints the new token on stdout (for scripts) and the rest on stderr', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const calls: string[] = [];
    const client = {
      request: async (method: string, path: string) => {
        calls.push(`${method} ${path}`);
        if (method === 'GET') return { items: [{ id: 'bootstrap', description: "the server's token file", expired: false }, { id: 'abc123', description: '', createdAt: '2024-05-01T11:00:00Z', expiresAt: '2024-05-02T11:00:00Z', expired: false }] };
        return { id: 'abc123', description: '', expired: false, token: 'K10xyz::node:abc123.secret', expiresAt: '2024-05-02T11:00:00Z' };
      },
    };
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), now: () => Date.parse('2024-05-01T12:00:00Z') };
    await runToken(client as never, { action: 'create', body: { ttlSeconds: 86400 } }, io);
    expect(out).toEqual(['K10xyz::node:abc123.secret\n']);
    expect(err.join('')).toContain('expires 2024-05-02T11:00:00Z');
    out.length = 0;
    await runToken(client as never, { action: 'list' }, io);
    expect(out.join('')).toBe(
      'ID          AGE         EXPIRES                DESCRIPTION\n' +
        "bootstrap   <unknown>   <never>                the server's token file\n" +
        'abc123      60m         2024-05-02T11:00:00Z   <none>\n',
    );
    expect(calls).toEqual(['POST /kedge/v1/tokens', 'GET /kedge/v1/tokens']);
  });
});
