/** Bundles the CLI (server, agent and laptop commands) into one CommonJS file for the single executable. */
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';

/**
 * Optional packages our dependencies try to require inside try/catch and we do not install
 * (native speed-ups for ws, colours for debug, macOS sensors for systeminformation). Left as
 * plain require() calls, the single executable would warn about them on every start.
 */
export const absentOptionalModules = ['bufferutil', 'utf-8-validate', 'supports-color', 'osx-temperature-sensor', 'macos-temperature-sensor'];

const absentModules: Plugin = {
  name: 'kedge-absent-optional-modules',
  setup(b) {
    const filter = new RegExp(`^(${absentOptionalModules.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'kedge-absent' }));
    b.onLoad({ filter: /.*/, namespace: 'kedge-absent' }, (args) => ({
      contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}' (not part of the kedge executable)`)}), { code: 'MODULE_NOT_FOUND' });`,
      loader: 'js',
    }));
  },
};

/** Module names the bundle still require()s at run time that are not Node built-ins. */
export function nonBuiltinRequires(code: string): string[] {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const names = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !builtins.has(n) && !n.startsWith('node:')))].sort();
}

export async function bundleCli(repoRoot: string, outFile: string): Promise<void> {
  const result = await build({
    entryPoints: [join(repoRoot, 'install', 'build', 'sea-main.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // A single executable runs one CommonJS script, with a require that knows only built-ins.
    format: 'cjs',
    // import.meta does not exist in CommonJS. server/api/distribution.ts checks for an undefined
    // dirname; any other use makes esbuild warn, and a warning fails the build below.
    define: { 'import.meta.dirname': 'undefined' },
    sourcemap: false,
    legalComments: 'none',
    // No comments or indentation: the script's source stays in memory in every kedge process, and
    // one non-Latin-1 character in a comment makes V8 hold all of it as two bytes per character
    // (an idle agent: 9 MB of source instead of 3 MB). Names stay, so stack traces still read.
    minifyWhitespace: true,
    logLevel: 'silent',
    plugins: [absentModules],
  });
  // A warning here (an unresolved import, import.meta left over) is a binary that breaks at run time.
  if (result.warnings.length > 0) {
    const text = result.warnings.map((w) => `${w.location?.file ?? '?'}:${w.location?.line ?? '?'}: ${w.text}`).join('\n');
    throw new KedgeError('InternalError', `bundling ${outFile} gave warnings, refusing to build a binary that may break at run time:\n${text}`);
  }
  // The single executable's require() loads built-ins only: anything else would fail on the Pi.
  const leftover = nonBuiltinRequires(await readFile(outFile, 'utf8'));
  if (leftover.length > 0) {
    throw new KedgeError('InternalError', `${outFile} still requires ${leftover.join(', ')} at run time; bundle them or add them to absentOptionalModules in install/build/bundle.ts`);
  }
}
