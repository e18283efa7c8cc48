import { ApiError } from "../errors";

const MAX_URL_LENGTH = 2048;

// Only absolute http(s) URLs may be redirect targets: `javascript:`, `data:` and relative URLs
// would turn the short link into an attack vector.
export function parseHttpUrl(value: string, field: string): string {
  let url: URL | null = null;
  if (value.length <= MAX_URL_LENGTH) {
    try {
      url = new URL(value);
    } catch {
      url = null;
    }
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
    throw new ApiError(
      "invalid_url",
      `${field} must be an absolute http(s) URL of at most ${MAX_URL_LENGTH} characters.`,
      [{ path: field, message: "Expected an absolute http:// or https:// URL." }],
    );
  }
  return url.toString();
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// Where the redirect sends a visitor: the link's destination, plus the visitor's own query
// parameters where the destination does not set them (so the link's utm_* win), plus the click id.
export function redirectLocation(
  destinationUrl: string,
  visitorQuery: URLSearchParams,
  clickId: string | null,
): string {
  const location = new URL(destinationUrl);
  for (const [key, value] of visitorQuery) {
    if (key === "sl_cid" || location.searchParams.has(key)) continue;
    location.searchParams.append(key, value);
  }
  if (clickId) location.searchParams.set("sl_cid", clickId);
  return location.toString();
}
