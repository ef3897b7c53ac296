/** The one error type: a string code, an HTTP status, a message a user can act on. */
export type ErrorCode =
  | 'BadRequest'
  | 'Invalid'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Unauthorized'
  | 'Forbidden'
  | 'MethodNotAllowed'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'Timeout'
  | 'ServiceUnavailable'
  | 'InternalError';

const statusOf: Record<ErrorCode, number> = {
  BadRequest: 400,
  Invalid: 422,
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  Unauthorized: 401,
  Forbidden: 403,
  MethodNotAllowed: 405,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  Timeout: 504,
  ServiceUnavailable: 503,
  InternalError: 500,
};

export interface StatusDetails {
  name?: string;
  kind?: string;
  causes?: { field?: string; message: string; reason?: string }[];
}

export class KedgeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: StatusDetails;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; details?: StatusDetails } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'KedgeError';
    this.code = code;
    this.status = statusOf[code];
    this.details = opts.details;
  }
}

/** A Kubernetes `Status` object, the body of every API error. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: ErrorCode | string;
  code: number;
  details?: StatusDetails;
}

export function toStatus(err: KedgeError): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.code,
    code: err.status,
    ...(err.details ? { details: err.details } : {}),
  };
}

/** Whether a code received over the wire is one of kedge's (own keys only: "constructor" is not a code). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(statusOf, code);
}

/** Rebuilds a KedgeError from a Status body received over the wire. */
export function fromStatus(body: unknown, httpStatus: number): KedgeError {
  const s = body as Partial<Status> | undefined;
  const code = isErrorCode(s?.reason) ? s.reason : codeForStatus(httpStatus);
  return new KedgeError(code, s?.message ?? `HTTP ${httpStatus}`, { details: s?.details });
}

function codeForStatus(status: number): ErrorCode {
  const hit = (Object.keys(statusOf) as ErrorCode[]).find((c) => statusOf[c] === status);
  return hit ?? (status >= 500 ? 'InternalError' : 'BadRequest');
}

export function isKedgeError(e: unknown, code?: ErrorCode): e is KedgeError {
  return e instanceof KedgeError && (code === undefined || e.code === code);
}
