/**
 * `docker save`'s classic format, built by hand from the OCI test image: manifest.json,
 * <config>.json and <layer>/layer.tar, no index.json. Air-gapped users often have these.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildTestImage, type TestImageOptions } from '../fixtures/image.js';

interface Descriptor {
  digest: string;
}

const hexOf = (d: Descriptor) => d.digest.replace(/^sha256:/, '');

/** Writes a docker-archive tarball (gzip-compressed when outFile ends in .gz) holding `name`. */
export async function buildDockerArchive(o: Omit<TestImageOptions, 'outFile'> & { outFile: string; name: string }): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'kedge-docker-archive-'));
  try {
    const oci = join(work, 'oci.tar');
    await buildTestImage({ ...o, outFile: oci });
    const layout = join(work, 'layout');
    await mkdir(layout);
    await execa('tar', ['-xf', oci, '-C', layout]);
    const blob = (d: Descriptor) => readFile(join(layout, 'blobs', 'sha256', hexOf(d)));
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    const manifest = JSON.parse((await blob(index.manifests[0]!)).toString('utf8')) as { config: Descriptor; layers: Descriptor[] };

    const archive = join(work, 'archive');
    await mkdir(archive);
    const configName = `${hexOf(manifest.config)}.json`;
    await writeFile(join(archive, configName), await blob(manifest.config));
    const layers: string[] = [];
    for (const layer of manifest.layers) {
      await mkdir(join(archive, hexOf(layer)));
      await writeFile(join(archive, hexOf(layer), 'layer.tar'), await blob(layer));
      layers.push(`${hexOf(layer)}/layer.tar`);
    }
    await writeFile(join(archive, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [o.name], Layers: layers }]));
    const gzip = /\.(tar\.gz|tgz)$/.test(o.outFile);
    await execa('tar', [gzip ? '-czf' : '-cf', o.outFile, '-C', archive, '.']);
    return o.name;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
