import { parseJoinToken } from '../../shared/token.js';
import { checkServerUrl } from './server-url.js';

/** The line `kedge server` prints so an operator can join a node. */
export function joinCommand(o: { server: string; token: string }): string {
  checkServerUrl(o.server, 'server');
  parseJoinToken(o.token); // refuse to print a command that cannot work
  return `kedge agent --server ${o.server} --token ${o.token}`;
}
