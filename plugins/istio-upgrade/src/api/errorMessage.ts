import { ResponseError } from '@backstage/errors';

/**
 * What to tell a person about a failed call: for an answer of the backend, its own message (a
 * `ResponseError`'s message is only the status line), otherwise the error's message.
 */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError || error.name === 'ResponseError') {
    const cause = (error as ResponseError).cause;
    if (cause?.message) return cause.message;
  }
  return error.message;
}
