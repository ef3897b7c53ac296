import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { KedgeError, toStatus, type ErrorCode } from '../../shared/errors.js';
import { causesText, issueCauses } from '../../shared/validate.js';

/** Every error leaves the API as a Kubernetes Status. */
export function statusResponse(c: Context, err: KedgeError): Response {
  return c.json(toStatus(err), err.status as ContentfulStatusCode);
}

/** Maps whatever was thrown to a KedgeError; unexpected ones become InternalError and are logged. */
export function asKedgeError(err: unknown, log: (msg: string) => void): KedgeError {
  if (err instanceof KedgeError) return err;
  if (err instanceof z.ZodError) {
    const causes = issueCauses(err);
    return new KedgeError('Invalid', causesText(causes), { details: { causes } });
  }
  if (err instanceof HTTPException) {
    const code = httpCodes[err.status] ?? (err.status >= 500 ? 'InternalError' : 'BadRequest');
    return new KedgeError(code, err.message || `HTTP ${err.status}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  log(`api: internal error: ${err instanceof Error && err.stack ? err.stack : message}`);
  return new KedgeError('InternalError', `internal error: ${message}`, { cause: err });
}

const httpCodes: Record<number, ErrorCode> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};
