/** Turns a bundled script into a Node single executable: preparation blob, node binary copy, postject. */
import { execFile } from 'node:child_process';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'postject';
import { KedgeError } from '../../shared/errors.js';

const run = promisify(execFile);

/** The fuse every Node 20+ binary carries; postject flips it so node runs the injected blob. */
export const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface SeaInput {
  /** The bundled CommonJS script. */
  script: string;
  /** Asset name → file, readable at run time with require('node:sea').getAsset(name). */
  assets: Record<string, string>;
  /** Where the intermediate files go. */
  workDir: string;
  /** The node binary to copy (default: the one running the build). */
  nodeBinary?: string;
  out: string;
}

/** The sea-config.json `node --experimental-sea-config` reads. */
export function seaConfig(script: string, blob: string, assets: Record<string, string>) {
  return {
    main: script,
    output: blob,
    disableExperimentalSEAWarning: true,
    // A snapshot or code cache would tie the blob to this exact node build and make it non-reproducible.
    useSnapshot: false,
    useCodeCache: false,
    assets,
  };
}

async function tryStrip(file: string): Promise<boolean> {
  try {
    // Symbol tables only: native addons link against the dynamic symbols, which stay.
    await run('strip', ['--strip-all', file]);
    return true;
  } catch {
    return false;
  }
}

/** postject's ELF library warns about every note section of a stripped binary; harmless, and it buries real output. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!/Can't find string offset for section name/.test(String(args[0]))) warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

export async function buildSea(i: SeaInput): Promise<{ stripped: boolean }> {
  const configFile = join(i.workDir, 'sea-config.json');
  const blob = join(i.workDir, 'kedge.blob');
  await writeFile(configFile, JSON.stringify(seaConfig(i.script, blob, i.assets), null, 2) + '\n');
  try {
    await run(process.execPath, ['--experimental-sea-config', configFile]);
  } catch (e) {
    throw new KedgeError('InternalError', `node --experimental-sea-config ${configFile} failed: ${(e as { stderr?: string }).stderr || (e as Error).message}`, { cause: e });
  }
  await copyFile(i.nodeBinary ?? process.execPath, i.out);
  await chmod(i.out, 0o755);
  // strip is optional (binutils): it saves ~12 MB on the download a Pi makes.
  const stripped = await tryStrip(i.out);
  const blobBytes = await readFile(blob);
  await quietly(() => inject(i.out, 'NODE_SEA_BLOB', blobBytes, { sentinelFuse: seaFuse }));
  return { stripped };
}
