import { z } from 'zod';

// The hub's HTTP API answers every failure with this JSON body, whatever the route.

export const API_ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'internal_error',
  'unavailable',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** `reason` says what exactly went wrong, for a person to read. */
export const apiErrorBodySchema = z.object({
  error: z.enum(API_ERROR_CODES),
  reason: z.string().optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
