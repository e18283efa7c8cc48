// One error type for the whole domain. Routes turn it into the contract's envelope
// `{"error": {"code", "message", "details?"}}`; the code decides the HTTP status.
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
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;
export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  // Sent as Retry-After with a 429.
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, details?: unknown, retryAfterSeconds?: number) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.details = details;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }

  get status(): ErrorStatus {
    return STATUS_BY_CODE[this.code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export const notFound = (code: ErrorCode, what: string, id: string) =>
  new ApiError(code, `No ${what} with id ${id}.`);

// D1 surfaces constraint violations only as error text; this is the one place that reads it.
export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? "") + String(error);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/.test(text);
}
