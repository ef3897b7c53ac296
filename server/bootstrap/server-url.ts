import { isIPv6 } from 'node:net';
import { KedgeError } from '../../shared/errors.js';

/** https://host:port, with IPv6 literals bracketed as URLs require. */
export function serverUrl(host: string, port: number): string {
  return `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** Throws unless `server` is an https:// URL with a host; `field` names the option at fault. */
export function checkServerUrl(server: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch (e) {
    throw new KedgeError('BadRequest', `${field}: "${server}" is not a URL; expected https://HOST:PORT`, { cause: e });
  }
  if (url.protocol !== 'https:' || !url.hostname) {
    throw new KedgeError('BadRequest', `${field}: "${server}" must be https://HOST:PORT`);
  }
  return url;
}
