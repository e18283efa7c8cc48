// One error type for the whole domain, with the contract's codes. The edge (workers/lib/errors.ts)
// decides what each code means on the wire: its status and the contract's envelope.
export const ERROR_CODES = [
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "campaign_not_found",
  "influencer_not_found",
  "link_not_found",
  "key_not_found",
  "code_not_found",
  "order_not_found",
  "post_not_found",
  "payout_not_found",
  "slug_taken",
  "influencer_taken",
  "code_taken",
  "order_conflict",
  "refund_conflict",
  "payload_too_large",
  "unsupported_media_type",
  "validation_failed",
  "invalid_json",
  "invalid_url",
  "invalid_slug",
  "invalid_cursor",
  "code_inactive",
  "code_expired",
  "code_exhausted",
  "currency_mismatch",
  "refund_exceeds_order",
  "unattributed",
  "invalid_click_id",
  "timezone_locked",
  "nothing_payable",
  "idempotency_conflict",
  "rate_limited",
  "internal_error",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  // How long a rate-limited caller must wait; the edge sends it as Retry-After.
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, details?: unknown, retryAfterSeconds?: number) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

// The problems a validation_failed detail names by its `reason`, so that a client (the dashboard)
// can word them in its own language; one typed list, so a reason is spelt the same on both sides.
export const DETAIL_REASONS = ["end_before_start"] as const;
export type DetailReason = (typeof DETAIL_REASONS)[number];
export type ReasonedDetail = { path: string; message: string; reason: DetailReason };
export const isDetailReason = (value: unknown): value is DetailReason =>
  (DETAIL_REASONS as readonly unknown[]).includes(value);

export const notFound = (code: ErrorCode, what: string, id: string) =>
  new DomainError(code, `No ${what} with id ${id}.`);

// D1 surfaces constraint violations only as error text; this is the one place that reads it.
export function isUniqueViolation(error: unknown): boolean {
  const text = String((error as { cause?: unknown })?.cause ?? "") + String(error);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/.test(text);
}
