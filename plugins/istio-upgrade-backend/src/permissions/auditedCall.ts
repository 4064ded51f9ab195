import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';

/**
 * Runs `fn` as one auditor event (`eventId`, with `meta` and the HTTP request when there is one): a
 * success when it returns, a failure with the error when it throws, which is thrown on.
 */
export async function auditedCall<T>(
  auditor: AuditorService,
  eventId: string,
  req: Request | undefined,
  meta: JsonObject,
  fn: () => Promise<T>,
): Promise<T> {
  const event = await auditor.createEvent({
    eventId,
    severityLevel: 'medium',
    ...(req ? { request: req } : {}),
    meta,
  });
  try {
    const result = await fn();
    await event.success();
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}
