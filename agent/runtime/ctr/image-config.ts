/** Reads an image's OCI config (Entrypoint, Cmd, Env) from containerd's content store, cached per digest. */
import { KedgeError } from '../../../shared/errors.js';
import type { CtrRunner } from './ctr-command.js';
import { parseImageList } from './table.js';

export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir?: string;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  platform?: { architecture?: string; os?: string; variant?: string };
}

const indexTypes = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

export function platformOf(nodeArch: string = process.arch): { architecture: string; variant?: string } {
  const map: Record<string, { architecture: string; variant?: string }> = {
    x64: { architecture: 'amd64' },
    arm64: { architecture: 'arm64' },
    arm: { architecture: 'arm', variant: 'v7' },
    ia32: { architecture: '386' },
  };
  return map[nodeArch] ?? { architecture: nodeArch };
}

/** Picks linux/<arch> from an index, preferring an exact variant, then any variant. */
export function pickManifest(manifests: Descriptor[], want = platformOf()): Descriptor | undefined {
  const linux = manifests.filter((m) => m.platform?.os === 'linux' && m.platform.architecture === want.architecture);
  return linux.find((m) => !want.variant || m.platform?.variant === want.variant) ?? linux[0];
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

export function createImageConfigReader(ctr: CtrRunner): { get(ref: string): Promise<ImageConfig> } {
  const byDigest = new Map<string, ImageConfig>();

  async function blob(digest: string, what: string): Promise<Record<string, unknown>> {
    const text = await ctr.ok(['content', 'get', digest]);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new KedgeError('InternalError', `${what} ${digest} is not valid JSON`, { cause: err });
    }
  }

  async function get(ref: string): Promise<ImageConfig> {
    const row = parseImageList(await ctr.ok(['images', 'ls', `name==${JSON.stringify(ref)}`])).find((r) => r.ref === ref);
    if (!row) throw new KedgeError('NotFound', `image ${ref} is not present in containerd; pull or import it first`);
    const cached = byDigest.get(row.digest);
    if (cached) return cached;
    let manifest = await blob(row.digest, 'manifest');
    if (indexTypes.includes(row.mediaType) || Array.isArray(manifest.manifests)) {
      const picked = pickManifest((manifest.manifests ?? []) as Descriptor[]);
      if (!picked) throw new KedgeError('NotFound', `image ${ref} has no linux/${platformOf().architecture} manifest`);
      manifest = await blob(picked.digest, 'manifest');
    }
    const configDigest = (manifest.config as Descriptor | undefined)?.digest;
    if (!configDigest) throw new KedgeError('InternalError', `image ${ref}: manifest has no config`);
    const doc = await blob(configDigest, 'image config');
    const c = (doc.config ?? {}) as Record<string, unknown>;
    const config: ImageConfig = {
      entrypoint: asStrings(c.Entrypoint),
      cmd: asStrings(c.Cmd),
      env: asStrings(c.Env),
      ...(typeof c.WorkingDir === 'string' && c.WorkingDir ? { workingDir: c.WorkingDir } : {}),
    };
    byDigest.set(row.digest, config);
    return config;
  }
  return { get };
}
