import { DependencyError, HooklineError } from '../../errors';

/** True for DynamoDB's failed condition (the write was refused, not failed). */
export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * An SDK failure: a request the service refused as malformed is our bug (500, not retryable);
 * anything else means the dependency is unavailable: a retryable 503 keeping the cause.
 */
export function unavailable(what: string, err: unknown): HooklineError {
  // Refused before the SDK call (a record over its limit): already the right answer.
  if (err instanceof HooklineError) return err;
  const name = (err as { name?: string })?.name;
  if (name === 'ValidationException' || name === 'SerializationException')
    return new HooklineError('internal_error', 'An internal error occurred.', 500, { cause: err });
  return new DependencyError(what, err);
}
