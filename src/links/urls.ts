import { DomainError } from "../errors";

export const MAX_URL_LENGTH = 2048;

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
    throw new DomainError(
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

// The query parameter names a destination URL sets, worked out once per cached link so the
// redirect can merge the visitor's query with string operations alone.
export function queryKeys(url: string): string[] {
  return [...new Set(new URL(url).searchParams.keys())];
}

function decodeKey(part: string): string {
  const raw = part.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return raw;
  }
}

// Where the redirect sends a visitor: the link's destination, plus the visitor's own query
// parameters where the destination does not set them (so the link's utm_* win), plus the click
// id. Visitor parameters are passed on exactly as they were written. `visitorSearch` is the raw
// query string of the request, with or without its leading "?".
export function redirectLocation(
  destination: { url: string; queryKeys: readonly string[] },
  visitorSearch: string,
  clickId: string | null,
): string {
  const hashAt = destination.url.indexOf("#");
  const base = hashAt === -1 ? destination.url : destination.url.slice(0, hashAt);
  const fragment = hashAt === -1 ? "" : destination.url.slice(hashAt);
  const extra: string[] = [];
  const search = visitorSearch.startsWith("?") ? visitorSearch.slice(1) : visitorSearch;
  if (search !== "") {
    for (const part of search.split("&")) {
      if (part === "") continue;
      const key = decodeKey(part);
      if (key === "sl_cid" || destination.queryKeys.includes(key)) continue;
      extra.push(part);
    }
  }
  if (clickId) extra.push(`sl_cid=${encodeURIComponent(clickId)}`);
  if (extra.length === 0) return destination.url;
  const separator = base.includes("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
  return `${base}${separator}${extra.join("&")}${fragment}`;
}
