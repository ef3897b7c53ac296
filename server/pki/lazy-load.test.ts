import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ensureModule = fileURLToPath(new URL('./ensure.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kedge-pki-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs ensurePki in a fresh process and says whether the X.509 library (and its Reflect polyfill) got loaded. */
function loadsLibrary(): Promise<boolean> {
  const script = `
    const { ensurePki } = await import(${JSON.stringify(ensureModule)});
    await ensurePki({ dir: ${JSON.stringify(join(dir, 'tls'))}, hostname: 'lazy', sans: [], addresses: () => ['127.0.0.1'] });
    process.stdout.write(typeof Reflect.getMetadata);`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout === 'function'),
    ),
  );
}

// Server memory matters on a Pi: only the first start pays for the certificate builder.
describe('certificate builder loading', () => {
  it('is loaded to create the certificates and not when they are reused', async () => {
    expect(await loadsLibrary()).toBe(true);
    expect(await loadsLibrary()).toBe(false);
  }, 60_000);
});
