import { KedgeError } from '../../../shared/errors.js';
import { kedgeVersion } from '../../../shared/version.js';
import type { ApiClient } from '../../../shared/client.js';
import { boolOption } from '../../flags/args.js';
import type { CliIo, Command } from '../../command.js';
import { connect, connectionFlags } from '../../connection/kubeconfig.js';

/** The server's version line, or why there is none. */
export async function serverVersion(client: Pick<ApiClient, 'request'>): Promise<string> {
  const v = await client.request<{ gitVersion?: string }>('GET', '/version', undefined, { timeoutMs: 5000 });
  if (!v || typeof v.gitVersion !== 'string') throw new KedgeError('InternalError', '/version answered without gitVersion');
  return v.gitVersion;
}

export const versionCommand: Command = {
  name: 'version',
  usage: 'kedge version [--client]',
  description: "Print kedge's version and, when the server is reachable, the server's.",
  flags: [{ name: 'client', type: 'boolean', description: 'Only the client version; do not contact the server' }, ...connectionFlags],
  async run(args, io: CliIo) {
    io.out(`Client Version: v${kedgeVersion}\n`);
    if (boolOption(args, 'client')) return;
    try {
      const { client } = connect(args, io);
      io.out(`Server Version: ${await serverVersion(client)}\n`);
    } catch (e) {
      if (!(e instanceof KedgeError)) throw e;
      io.err(`Server Version: unavailable (${e.message})\n`);
    }
  },
};
