/** The node's resolvers, read from resolv.conf as glibc reads it: where the cluster DNS forwards. */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { KedgeError } from '../../../shared/errors.js';
import type { Upstream } from './upstream-exchange.js';

export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
  /** Lines that were not understood, for the log. */
  ignored: string[];
}

/** Parses resolv.conf(5) (pure): comments start with # or ;, the last `search`/`domain` line wins. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], options: [], ignored: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [keyword, ...values] = line.split(/\s+/);
    switch (keyword) {
      case 'nameserver': {
        // An IPv6 link-local address carries its interface after %, which sockets take as it is.
        const address = values[0] ?? '';
        if (isIP(address.split('%')[0]!) && values.length === 1) conf.nameservers.push(address);
        else conf.ignored.push(line);
        break;
      }
      case 'search':
        conf.search = values;
        break;
      case 'domain':
        conf.search = values.slice(0, 1);
        break;
      case 'options':
        conf.options.push(...values);
        break;
      case 'sortlist':
        break;
      default:
        conf.ignored.push(line);
    }
  }
  return conf;
}

/** Port 53 of each nameserver; none listed means the local one, as glibc assumes. */
export function upstreamsOf(conf: ResolvConf): Upstream[] {
  const addresses = conf.nameservers.length ? conf.nameservers : ['127.0.0.1'];
  return addresses.map((address) => ({ address, port: 53 }));
}

export async function readResolvConf(path = '/etc/resolv.conf'): Promise<ResolvConf> {
  try {
    return parseResolvConf(await readFile(path, 'utf8'));
  } catch (e) {
    throw new KedgeError('Invalid', `${path}: cannot read the node's resolver configuration (${(e as Error).message}); the cluster DNS forwards names outside the cluster to the nameservers listed there`, { cause: e });
  }
}
