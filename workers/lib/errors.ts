import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { DomainError, type ErrorCode } from "../../src/errors";
import { errorMessage, log } from "../../src/log";

// What each of the domain's codes answers over HTTP.
const STATUS_BY_CODE = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  campaign_not_found: 404,
  influencer_not_found: 404,
  link_not_found: 404,
  key_not_found: 404,
  code_not_found: 404,
  order_not_found: 404,
  post_not_found: 404,
  payout_not_found: 404,
  slug_taken: 409,
  influencer_taken: 409,
  code_taken: 409,
  order_conflict: 409,
  refund_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  invalid_json: 400,
  invalid_url: 422,
  invalid_slug: 422,
  invalid_cursor: 422,
  code_inactive: 422,
  code_expired: 422,
  code_exhausted: 422,
  currency_mismatch: 422,
  refund_exceeds_order: 422,
  unattributed: 422,
  invalid_click_id: 422,
  timezone_locked: 422,
  nothing_payable: 422,
  idempotency_conflict: 409,
  rate_limited: 429,
  internal_error: 500,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];

export const statusOf = (error: DomainError): ErrorStatus => STATUS_BY_CODE[error.code];

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

// The contract's envelope for every error.
export function errorBody(error: DomainError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

export function validationError(error: ZodError): DomainError {
  const details = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = details[0];
  const message = first ? `Invalid request: ${first.path || "body"}: ${first.message}` : "Invalid request.";
  return new DomainError("validation_failed", message, details);
}

function fromHttpException(error: HTTPException): DomainError {
  if (error.status === 400 && /json/i.test(error.message)) {
    return new DomainError("invalid_json", "The request body is not valid JSON.");
  }
  if (error.status === 413) return new DomainError("payload_too_large", "The request body is over 64 KiB.");
  // The route validator's gate refuses a body sent as anything but JSON.
  if (error.status === 415)
    return new DomainError(
      "unsupported_media_type",
      "Send the body as JSON, with `Content-Type: application/json`.",
    );
  if (error.status === 401)
    return new DomainError("unauthorized", error.message || "A valid API key is required.");
  return new DomainError("bad_request", error.message || "Bad request.");
}

// The one place errors become responses. Only 5xx are logged, and never with a stack trace or
// request body sent to the client.
export function handleError(error: unknown, c: Context): Response {
  const apiError =
    error instanceof DomainError
      ? error
      : error instanceof HTTPException
        ? fromHttpException(error)
        : new DomainError("internal_error", "Something went wrong on our side.");
  const status = statusOf(apiError);
  if (status >= 500) {
    log.error("request_failed", { method: c.req.method, route: c.req.routePath, error: errorMessage(error) });
  }
  if (apiError.retryAfterSeconds !== undefined) c.header("Retry-After", String(apiError.retryAfterSeconds));
  return c.json(errorBody(apiError), status);
}
