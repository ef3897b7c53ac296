/**
 * Each kind's OpenAPI v3 component schema, generated from its zod schema in shared/ (field
 * descriptions come from the schemas' .describe() texts). This is what `kubectl explain` reads: it
 * finds the schema by its x-kubernetes-group-version-kind, as in Kubernetes' own documents.
 */
import { z } from 'zod';
import type { KindInfo } from '../../shared/kinds.js';

type Json = Record<string, unknown>;

/** The name Kubernetes gives a kind's schema: io.k8s.api.core.v1.Pod, io.k8s.api.apps.v1.Deployment. */
export function schemaName(k: Pick<KindInfo, 'group' | 'version' | 'kind'>): string {
  return `io.k8s.api.${k.group ? k.group.split('.')[0] : 'core'}.${k.version}.${k.kind}`;
}

/** Descriptions every kind shares, for the top-level fields whose schema carries none. */
const topLevel: Record<string, (k: KindInfo) => string> = {
  apiVersion: () => 'The versioned schema of this representation of an object, such as "v1" or "apps/v1". The server fills it in from the URL when it is left out.',
  kind: () => 'The kind of object this is, in CamelCase, such as "Pod". The server fills it in from the URL when it is left out.',
  metadata: () => 'Standard object metadata: name, namespace, labels and annotations, and what the server sets (uid, resourceVersion, generation, creationTimestamp).',
  spec: (k) => `The desired state of the ${k.kind}.`,
  status: (k) => `The most recently observed state of the ${k.kind}, written by kedge and its nodes.`,
};

/** apiVersion, kind and metadata are not required of a client: admission fills them in from the URL. */
const filledByServer = new Set(['apiVersion', 'kind', 'metadata']);

/** The component schema of one kind, marked with its group, version and kind. */
export function kindSchema(k: KindInfo): Json {
  const schema = z.toJSONSchema(k.schema, {
    target: 'openapi-3.0',
    // What a client may send (defaults are optional there), and refinements become plain types.
    io: 'input',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      // zod bounds every integer to the safe range, which tells a reader nothing.
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      // A number-or-string (25%, 250m) as Kubernetes writes it, which explain shows as a type rather than <Object>.
      const members = jsonSchema.anyOf as Json[] | undefined;
      if (members?.length && members.every((m) => ['integer', 'number', 'string'].includes(m.type as string))) {
        delete jsonSchema.anyOf;
        Object.assign(jsonSchema, { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true });
      }
    },
  }) as Json & { properties?: Record<string, Json>; required?: string[] };
  for (const [field, text] of Object.entries(topLevel)) {
    const p = schema.properties?.[field];
    if (p && !p.description) p.description = text(k);
  }
  const required = schema.required?.filter((f) => !filledByServer.has(f));
  if (required?.length) schema.required = required;
  else delete schema.required;
  return {
    ...schema,
    description: schema.description ?? `${k.kind} (${k.apiVersion}).`,
    'x-kubernetes-group-version-kind': [{ group: k.group, version: k.version, kind: k.kind }],
  };
}
