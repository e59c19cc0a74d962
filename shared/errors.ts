/** One error hierarchy: each error has a code, an HTTP status, a retryable flag, and keeps its cause. */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class HooklineError extends Error {
  override readonly name: string = 'HooklineError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly options: { retryable?: boolean; details?: ErrorDetail[]; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
  }
  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
  get details(): ErrorDetail[] {
    return this.options.details ?? [];
  }
}

export class ValidationError extends HooklineError {
  override readonly name = 'ValidationError';
  constructor(message: string, details: ErrorDetail[] = []) {
    super('validation_error', message, 400, { details });
  }
}

export class MalformedJsonError extends HooklineError {
  override readonly name = 'MalformedJsonError';
  constructor(cause?: unknown) {
    super('malformed_json', 'The request body is not valid JSON.', 400, { cause });
  }
}

export class UnauthorizedError extends HooklineError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'A valid API key is required: send "Authorization: Bearer <key>".', code: 'unauthorized' | 'token_expired' = 'unauthorized') {
    super(code, message, 401);
  }
}

export class ForbiddenError extends HooklineError {
  override readonly name = 'ForbiddenError';
  constructor(scope: string, message = `This API key lacks the "${scope}" scope.`) {
    super('forbidden', message, 403);
  }
}

export class NotFoundError extends HooklineError {
  override readonly name = 'NotFoundError';
  constructor(what: string, id: string, code = 'not_found') {
    super(code, `${what} "${id.length > 100 ? `${id.slice(0, 100)}…` : id}" was not found.`, 404);
  }
}

export class ConflictError extends HooklineError {
  override readonly name = 'ConflictError';
  constructor(message: string, code = 'conflict') {
    super(code, message, 409);
  }
}

export class VersionMismatchError extends HooklineError {
  override readonly name = 'VersionMismatchError';
  constructor(expected: number, actual: number | undefined) {
    super(
      'version_mismatch',
      actual === undefined
        ? `If-Match expected version ${expected}, but the resource changed concurrently.`
        : `If-Match expected version ${expected}, but the current version is ${actual}.`,
      412,
    );
  }
}

export class PayloadTooLargeError extends HooklineError {
  override readonly name = 'PayloadTooLargeError';
  constructor(limit: number, details: ErrorDetail[] = [], message = `The request body exceeds ${limit} bytes.`) {
    super('payload_too_large', message, 413, { details });
  }
}

export class UnsupportedMediaTypeError extends HooklineError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(got: string | undefined, expected: string) {
    super('unsupported_media_type', `Content-Type ${got ? `"${got}"` : '(none)'} is not supported; send ${expected}.`, 415);
  }
}

/** A dependency (DynamoDB, SQS, S3) is down: the request was not accepted and may be retried. */
export class DependencyError extends HooklineError {
  override readonly name = 'DependencyError';
  constructor(what: string, cause: unknown) {
    super('service_unavailable', `${what} is unavailable; the request was not accepted, retry later.`, 503, {
      retryable: true,
      cause,
      headers: { 'retry-after': '5' },
    });
  }
}

/**
 * No console is deployed for this API (AWS: the console stack is not deployed yet and no
 * `hookline:consoleUrl` is set), so a portal link would lead nowhere. A 503, not a 4xx: the
 * request is right and the caller cannot fix this by changing it; the deployment lacks a part
 * (and the API's 5xx metrics show it to the operator). Not retryable by itself: no Retry-After.
 */
export class ConsoleNotDeployedError extends HooklineError {
  override readonly name = 'ConsoleNotDeployedError';
  constructor() {
    super(
      'console_not_deployed',
      'No console is deployed for this API, so a portal link would lead nowhere: deploy the console stack (npx cdk deploy --all), or set its URL with -c hookline:consoleUrl=https://... (a custom domain).',
      503,
      { retryable: false },
    );
  }
}

/** Anything that is not a HooklineError becomes a 500 with no internals leaked. */
export function toHooklineError(err: unknown): HooklineError {
  if (err instanceof HooklineError) return err;
  return new HooklineError('internal_error', 'An internal error occurred.', 500, { cause: err, retryable: true });
}

/** The contract's error body. */
export function errorBody(err: HooklineError): { error: { code: string; message: string; details: ErrorDetail[] } } {
  return { error: { code: err.code, message: err.message, details: err.details } };
}
