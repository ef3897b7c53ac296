import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { podNetworkDirs } from './start.js';

const dir = mkdtempSync(join(tmpdir(), 'kedge-podnet-dirs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('podNetworkDirs', () => {
  it('keeps the journal under the data dir and namespaces under /run/kedge/<node>', async () => {
    expect(await podNetworkDirs({ dataDir: '/var/lib/kedge/agent', nodeName: 'pi-1', runDir: dir })).toEqual({ stateDir: '/var/lib/kedge/agent/network', runDir: join(dir, 'kedge', 'pi-1', 'network') });
  });

  it('falls back to the data dir without a usable /run', async () => {
    writeFileSync(join(dir, 'not-a-dir'), '');
    expect(await podNetworkDirs({ dataDir: '/d', nodeName: 'pi-1', runDir: join(dir, 'not-a-dir') })).toEqual({ stateDir: '/d/network', runDir: '/d/run/network' });
    expect(await podNetworkDirs({ dataDir: '/d', nodeName: 'pi-1', runDir: join(dir, 'missing') })).toEqual({ stateDir: '/d/network', runDir: '/d/run/network' });
  });
});
