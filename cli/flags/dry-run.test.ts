import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../shared/client.js';
import { parseArgs } from './args.js';
import { applyCommand } from '../commands/apply/apply.js';
import { deleteCommand } from '../commands/delete/delete.js';
import { dryRunSuffix, serverDryRun } from './dry-run.js';

describe('--dry-run', () => {
  it('takes server or none on apply and delete; anything else names the flag', () => {
    for (const cmd of [applyCommand, deleteCommand]) {
      const parse = (argv: string[]) => serverDryRun(parseArgs(argv, cmd.flags, { command: `kedge ${cmd.name}` }));
      expect(parse(['--dry-run=server'])).toBe(true);
      expect(parse(['--dry-run', 'none'])).toBe(false);
      expect(parse([])).toBe(false);
      expect(() => parse(['--dry-run=client'])).toThrow('--dry-run: "client" is not supported; use --dry-run=server');
    }
    expect(dryRunSuffix(true)).toBe(' (server dry run)');
    expect(dryRunSuffix(false)).toBe('');
  });

  it('a dry-run client sends dryRun=All with every write and with no read', async () => {
    const seen: string[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"}}'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dry = createApiClient({ server: url, dryRun: true });
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } };
      await dry.get('ConfigMap', 'default', 'x');
      await dry.create(cm);
      await dry.update(cm);
      await dry.delete('ConfigMap', 'default', 'x');
      await createApiClient({ server: url }).create(cm);
      expect(seen).toEqual([
        'GET /api/v1/namespaces/default/configmaps/x',
        'POST /api/v1/namespaces/default/configmaps?dryRun=All',
        'PUT /api/v1/namespaces/default/configmaps/x?dryRun=All',
        'DELETE /api/v1/namespaces/default/configmaps/x?dryRun=All',
        'POST /api/v1/namespaces/default/configmaps',
      ]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
