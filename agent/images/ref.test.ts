import { describe, expect, it } from 'vitest';
import { KedgeError } from '../../shared/errors.js';
import { normalizeImageRef } from './ref.js';

const digest = 'sha256:016f01dd4be43d014f5cb89357d940e949aecc33c7870def17b2dbef172d28c7';

describe('normalizeImageRef', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['user/app:1', 'docker.io/user/app:1'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/nginx:1', 'docker.io/library/nginx:1'],
    ['ghcr.io/x/y', 'ghcr.io/x/y:latest'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['localhost/app:v2', 'localhost/app:v2'],
    ['registry.local:5000/team/app:1.0', 'registry.local:5000/team/app:1.0'],
    [`busybox@${digest}`, `docker.io/library/busybox@${digest}`],
    [`ghcr.io/x/y:1@${digest}`, `ghcr.io/x/y:1@${digest}`],
    ['docker.io/library/busybox:test', 'docker.io/library/busybox:test'],
  ])('%s → %s', (input, want) => {
    expect(normalizeImageRef(input)).toBe(want);
    expect(normalizeImageRef(want)).toBe(want); // idempotent
  });

  it.each([
    ['', 'empty'],
    ['Busybox', 'lowercase'],
    ['busy box', 'whitespace'],
    ['busybox:1.0:x', 'repository part'],
    ['busybox:-x', 'tag'],
    ['busybox@sha256:xyz', 'digest'],
    ['a//b', 'repository part'],
  ])('rejects %j naming the field', (input, why) => {
    try {
      normalizeImageRef(input, 'spec.containers[0].image');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KedgeError);
      expect((err as KedgeError).code).toBe('Invalid');
      expect((err as KedgeError).message).toContain('spec.containers[0].image');
      expect((err as KedgeError).message).toContain(why);
    }
  });
});
