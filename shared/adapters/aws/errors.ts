import { DependencyError } from '../../errors';

/** True for DynamoDB's failed condition (the write was refused, not failed). */
export function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** Any other SDK failure means the dependency is unavailable: a retryable 503 keeping the cause. */
export function unavailable(what: string, err: unknown): DependencyError {
  return new DependencyError(what, err);
}
