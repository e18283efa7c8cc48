import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { ApiError } from "../../src/errors";
import { errorMessage, log } from "../../src/log";

export function validationError(error: ZodError): ApiError {
  const details = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = details[0];
  const message = first ? `Invalid request: ${first.path || "body"}: ${first.message}` : "Invalid request.";
  return new ApiError("validation_failed", message, details);
}

function fromHttpException(error: HTTPException): ApiError {
  if (error.status === 400 && /json/i.test(error.message)) {
    return new ApiError("invalid_json", "The request body is not valid JSON.");
  }
  if (error.status === 413) return new ApiError("payload_too_large", "The request body is over 64 KiB.");
  // The route validator's gate refuses a body sent as anything but JSON.
  if (error.status === 415)
    return new ApiError(
      "unsupported_media_type",
      "Send the body as JSON, with `Content-Type: application/json`.",
    );
  if (error.status === 401)
    return new ApiError("unauthorized", error.message || "A valid API key is required.");
  return new ApiError("bad_request", error.message || "Bad request.");
}

// The one place errors become responses. Only 5xx are logged, and never with a stack trace or
// request body sent to the client.
export function handleError(error: unknown, c: Context): Response {
  const apiError =
    error instanceof ApiError
      ? error
      : error instanceof HTTPException
        ? fromHttpException(error)
        : new ApiError("internal_error", "Something went wrong on our side.");
  if (apiError.status >= 500) {
    log.error("request_failed", { method: c.req.method, route: c.req.routePath, error: errorMessage(error) });
  }
  if (apiError.retryAfterSeconds !== undefined) c.header("Retry-After", String(apiError.retryAfterSeconds));
  return c.json(apiError.toBody(), apiError.status);
}
