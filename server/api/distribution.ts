/**
 * What the server hands out so that a fleet needs nothing but the server: the install script
 * and the kedge single executable for each architecture.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';

/** Node's process.arch → the name in `kedge-linux-<arch>` (and Debian's). */
export function linuxArch(nodeArch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm' };
  return names[nodeArch] ?? nodeArch;
}

export function binaryName(arch: string): string {
  return `kedge-linux-${arch}`;
}

/** Names a client may ask for: the binary or its checksum, and nothing that could climb out of a directory. */
export const downloadName = /^kedge-linux-([a-z0-9_]{1,16})(\.sha256)?$/;

/** The asset name of the install script inside the single executable (install/build/sea-config.ts). */
export const installScriptAsset = 'install.sh';

export interface Distribution {
  /** The install script, or undefined when this build carries none. */
  installScript(): string | undefined;
  /** The file to serve as kedge-linux-<arch>, or undefined. */
  binaryPath(arch: string): string | undefined;
  /** Where an administrator puts binaries for other architectures. */
  readonly extraDir: string;
  /** sha256 hex of a file; remembered while its size, mtime and inode stay the same. */
  sha256(path: string): Promise<string>;
}

interface SeaText {
  isSea(): boolean;
  getAsset(key: string, encoding: string): string;
}

export interface DistributionOptions {
  /** The server's data dir; binaries placed in `<dataDir>/dist/` are served first. */
  dataDir: string;
  sea?: SeaText;
  /** The running executable (served for its own arch when it is the single executable). */
  execPath?: string;
  arch?: string;
  /** A kedge checkout (not the single executable): its install/install.sh and dist/ are served. */
  checkoutDir?: string;
}

function regularFile(path: string): Stats | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}

/** The checkout this module lives in, when it runs from source (the single executable has no import.meta). */
function defaultCheckoutDir(): string | undefined {
  const here = import.meta.dirname as string | undefined;
  return here ? resolve(here, '..', '..') : undefined;
}

export function createDistribution(o: DistributionOptions): Distribution {
  const sea = o.sea ?? (process.getBuiltinModule?.('node:sea') as SeaText | undefined);
  const isSea = sea?.isSea() ?? false;
  const ownArch = o.arch ?? linuxArch();
  const execPath = o.execPath ?? process.execPath;
  const checkoutDir = isSea ? undefined : (o.checkoutDir ?? defaultCheckoutDir());
  const extraDir = join(o.dataDir, 'dist');
  const hashes = new Map<string, { key: string; hex: string }>();

  return {
    extraDir,
    installScript() {
      if (isSea) {
        try {
          return sea!.getAsset(installScriptAsset, 'utf8');
        } catch {
          return undefined;
        }
      }
      const path = checkoutDir && join(checkoutDir, 'install', 'install.sh');
      return path && regularFile(path) ? readFileSync(path, 'utf8') : undefined;
    },
    binaryPath(arch) {
      const candidates = [join(extraDir, binaryName(arch))];
      const own = isSea ? execPath : checkoutDir && join(checkoutDir, 'dist', binaryName(arch));
      if (arch === ownArch && own) candidates.push(own);
      return candidates.find((p) => regularFile(p));
    },
    async sha256(path) {
      const st = statSync(path);
      const key = `${st.size}:${st.mtimeMs}:${st.ino}`;
      const known = hashes.get(path);
      if (known?.key === key) return known.hex;
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      const hex = hash.digest('hex');
      hashes.set(path, { key, hex });
      return hex;
    },
  };
}
