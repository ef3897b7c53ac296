import type { Context } from 'hono';
import { KedgeError } from '../../shared/errors.js';
import { jsonDepth, maxJsonDepth } from './json-depth.js';

/** Reads the body as JSON; malformed or absurdly nested input is a 400 naming the request body. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw new KedgeError('BadRequest', 'request body: is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new KedgeError('BadRequest', `request body: malformed JSON: ${(e as Error).message}`, { cause: e });
  }
  // Cloning, validating and storing recurse: a deep enough body would end in a stack overflow.
  if (jsonDepth(value) > maxJsonDepth) throw new KedgeError('BadRequest', `request body: nested more than ${maxJsonDepth} levels deep`);
  return value;
}

/** Like readJson, but the value must be a JSON object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const v = await readJson(c);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new KedgeError('BadRequest', 'request body: must be a JSON object');
  }
  return v as Record<string, unknown>;
}
