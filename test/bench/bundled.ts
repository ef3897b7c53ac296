/** Runs a bench module as production code runs: bundled by esbuild (no tsx, no keepNames helpers), in a child node. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** Bundles `entry` into outDir (as `name`, default <entry>.mjs); native better-sqlite3 stays external, found through a node_modules link. */
export async function bundleModule(entry: string, outDir: string, name = `${basename(entry, '.ts')}.mjs`): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, name);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    external: ['better-sqlite3'],
    // As install/build/bundle.ts does for the single executable: the source stays in memory, see there.
    minifyWhitespace: true,
    // CommonJS dependencies (aedes, mqtt…) call require(); an ES module bundle has none of its own.
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  if (!existsSync(join(outDir, 'node_modules'))) symlinkSync(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'));
  return out;
}

/** Runs a bundled module with arguments and parses the last line of its stdout as JSON. */
export function runJsonChild<T>(file: string, args: string[], nodeArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${basename(file)} exited with ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as T);
      } catch (e) {
        reject(new Error(`${basename(file)} printed no JSON result: ${(e as Error).message}; stderr: ${err.slice(-2000)}`));
      }
    });
  });
}
