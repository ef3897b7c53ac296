/**
 * `npm run build`: dist/kedge-linux-<arch>, one file holding the server, the agent and the CLI
 * (a Node single executable carrying better-sqlite3's addon and the install script as assets),
 * and dist/kedge-linux-<arch>.sha256 in sha256sum's format.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KedgeError } from '../../shared/errors.js';
import { kedgeVersion } from '../../shared/version.js';
import { binaryName, installScriptAsset, linuxArch } from '../../server/api/distribution.js';
import { sqliteAddonAsset } from '../../server/store/native-binding.js';
import { bundleCli } from './bundle.js';
import { buildSea } from './sea.js';

const run = promisify(execFile);

export interface BuildResult {
  binary: string;
  checksumFile: string;
  sha256: string;
  bytes: number;
  stripped: boolean;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function buildKedge(repoRoot: string, outDir = join(repoRoot, 'dist')): Promise<BuildResult> {
  if (process.platform !== 'linux') throw new KedgeError('BadRequest', `kedge builds Linux executables only; this is ${process.platform}`);
  const addon = join(repoRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(addon)) throw new KedgeError('NotFound', `${addon} is missing: run npm ci first`);
  const name = binaryName(linuxArch());
  const work = join(outDir, '.build');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });

  const script = join(work, 'kedge.cjs');
  await bundleCli(repoRoot, script);
  const partial = join(work, name);
  const { stripped } = await buildSea({
    script,
    assets: { [sqliteAddonAsset]: addon, [installScriptAsset]: join(repoRoot, 'install', 'install.sh') },
    workDir: work,
    out: partial,
  });
  // A binary that cannot even print its version (package.json's, carried in the bundle) must not reach dist/.
  const { stdout } = await run(partial, ['version', '--client'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: work, timeout: 30_000 });
  if (!stdout.includes(`Client Version: v${kedgeVersion}`)) throw new KedgeError('InternalError', `${partial} version --client printed ${JSON.stringify(stdout)}, not v${kedgeVersion}`);

  const binary = join(outDir, name);
  const checksumFile = `${binary}.sha256`;
  const hex = await sha256File(partial);
  await rename(partial, binary);
  await writeFile(`${checksumFile}.tmp`, `${hex}  ${name}\n`);
  await rename(`${checksumFile}.tmp`, checksumFile);
  await rm(work, { recursive: true, force: true });
  return { binary, checksumFile, sha256: hex, bytes: (await stat(binary)).size, stripped };
}

async function main(): Promise<void> {
  const repoRoot = resolve(import.meta.dirname, '..', '..');
  const started = Date.now();
  const r = await buildKedge(repoRoot);
  const mib = (r.bytes / 1024 / 1024).toFixed(1);
  console.log(`built ${r.binary} (${mib} MiB${r.stripped ? '' : ', not stripped: install binutils for a smaller file'}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`sha256 ${r.sha256} (${r.checksumFile})`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((e: Error) => {
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  });
}
