import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { KedgeError } from '../../shared/errors.js';
import { nearMiss, nastyJson } from '../../test/fixtures/fuzz.js';
import { manifestObjects } from './manifest.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hello', labels: { app: 'hello' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'hello' } },
    template: { metadata: { labels: { app: 'hello' } }, spec: { containers: [{ name: 'hello', image: 'busybox:test', ports: [{ containerPort: 80 }] }] } },
  },
};
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'a.conf': 'x=1\n' } };
const ns = { namespace: 'default', explicit: false };

/** The generator's own YAML writer recurses; very deep values go out as JSON (which is YAML too). */
const yaml = (v: unknown) => {
  try {
    return stringify(v);
  } catch {
    return JSON.stringify(v) ?? '';
  }
};

/** What kedge apply could be handed: junk, random YAML or JSON, near misses of real manifests, several documents. */
const texts = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  nastyJson.map((v) => JSON.stringify(v)),
  nastyJson.map(yaml),
  fc.oneof(nearMiss(deployment), nearMiss(configMap)).map(yaml),
  fc.oneof(nearMiss(deployment), nearMiss(configMap)).map((v) => JSON.stringify(v) ?? ''),
  fc.array(fc.oneof(nearMiss(deployment), nearMiss(configMap)), { minLength: 1, maxLength: 4 }).map((docs) => docs.map(yaml).join('---\n')),
  fc.array(nearMiss(deployment), { maxLength: 3 }).map((items) => yaml({ apiVersion: 'v1', kind: 'List', items })),
  // YAML's own traps: anchors and aliases, tags, odd indentation, tabs, duplicate keys
  fc.constantFrom('a: &x [*x]', 'a: !!binary AAAA', 'kind: Pod\n\tmetadata: {}', 'kind: Pod\nkind: Pod', '? [a]\n: b', '%YAML 1.1\n---\nkind: Pod', '"unterminated'),
);

describe('manifest decoder under fuzzing', () => {
  it('either returns objects valid for their kind or throws a KedgeError naming the file; nothing else escapes', () => {
    fc.assert(
      fc.property(texts, (text) => {
        let objects;
        try {
          objects = manifestObjects([{ name: 'app.yaml', text }], ns);
        } catch (e) {
          expect(e).toBeInstanceOf(KedgeError);
          expect((e as KedgeError).message).toMatch(/app\.yaml|no objects found/);
          return;
        }
        for (const o of objects) {
          expect(o.info.schema.safeParse(o.object).success).toBe(true);
          expect(o.where).toMatch(/^app\.yaml:\d+$/);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['flow sequences nested 10,000 deep', `kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
    ['flow mappings nested 5,000 deep', `${'{a: '.repeat(5000)}1${'}'.repeat(5000)}`],
    ['block mappings nested 2,000 deep', Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n'],
    ['a billion laughs', `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n`],
  ])('refuses %s with a KedgeError naming the file', (_what, text) => {
    const t = Date.now();
    expect(() => manifestObjects([{ name: 'app.yaml', text }], ns)).toThrow(KedgeError);
    expect(() => manifestObjects([{ name: 'app.yaml', text }], ns)).toThrow(/app\.yaml:\d+/);
    expect(Date.now() - t).toBeLessThan(5000);
  });
});
