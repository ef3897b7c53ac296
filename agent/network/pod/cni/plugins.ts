/** Where the CNI plugins live: Debian's containernetworking-plugins, the upstream tarball, Alpine and Fedora. */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { KedgeError } from '../../../../shared/errors.js';

export const cniPluginDirs: readonly string[] = ['/usr/lib/cni', '/opt/cni/bin', '/usr/libexec/cni'];
/** The Debian package that holds them. */
export const cniPackage = 'containernetworking-plugins';
/** The plugins kedge calls. */
export const requiredPlugins = ['bridge', 'host-local', 'loopback'] as const;

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in `dirs`, or undefined. */
export async function findPlugin(dirs: readonly string[], name: string): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = join(dir, name);
    if (await executable(path)) return path;
  }
  return undefined;
}

/** The plugin's path, or an error that names the package and every directory searched. */
export async function requirePlugin(dirs: readonly string[], name: string): Promise<string> {
  const path = await findPlugin(dirs, name);
  if (path) return path;
  throw new KedgeError('ServiceUnavailable', missingPluginsMessage([name], dirs));
}

export function missingPluginsMessage(names: readonly string[], dirs: readonly string[]): string {
  return `CNI plugin${names.length > 1 ? 's' : ''} ${names.join(', ')} not found in ${dirs.join(', ')}: install the ${cniPackage} package (apt-get install ${cniPackage})`;
}
