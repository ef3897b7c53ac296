/** Docker-style image reference normalization, as containerd stores names. */
import { KedgeError } from '../../shared/errors.js';

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagRe = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const digestRe = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Fa-f0-9]{32,}$/;

function invalid(ref: string, why: string, field: string): KedgeError {
  return new KedgeError('Invalid', `${field} "${ref}" is not a valid image reference: ${why}`, {
    details: { causes: [{ field, message: why }] },
  });
}

/** Whether the first path part names a registry rather than a Docker Hub user. */
function isDomain(part: string): boolean {
  return part.includes('.') || part.includes(':') || part === 'localhost' || part !== part.toLowerCase();
}

/**
 * "busybox" → "docker.io/library/busybox:latest", "user/app:1" → "docker.io/user/app:1",
 * "ghcr.io/x/y" → "ghcr.io/x/y:latest"; digests are kept (no tag added next to one).
 */
export function normalizeImageRef(ref: string, field = 'image'): string {
  const input = ref.trim();
  if (input === '') throw invalid(ref, 'it is empty', field);
  if (/\s/.test(input)) throw invalid(ref, 'it contains whitespace', field);

  let rest = input;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) throw invalid(ref, `digest "${digest}" must look like sha256:<hex>`, field);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) throw invalid(ref, `tag "${tag}" may hold only letters, digits, _ . - (at most 128)`, field);
  }

  const parts = rest.split('/');
  let domain = 'docker.io';
  if (parts.length > 1 && isDomain(parts[0])) domain = parts.shift()!;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && parts.length === 1) parts.unshift('library');
  for (const p of parts) {
    if (!pathComponent.test(p)) {
      throw invalid(ref, `repository part "${p}" must be lowercase letters and digits, separated by . _ __ or -`, field);
    }
  }
  const name = `${domain}/${parts.join('/')}`;
  if (digest) return tag ? `${name}:${tag}@${digest}` : `${name}@${digest}`;
  return `${name}:${tag || 'latest'}`;
}
