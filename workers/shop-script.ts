import { sha256Hex } from "../src/crypto";
import { SHOP_SCRIPT } from "./generated/shop-script";

// sl.js, the shop's script (built from browser/sl.ts). Shops paste /sl.js into their pages: it is
// fresh for an hour and then revalidated by its ETag (a 304 costs no body), so a new version
// reaches every visitor within the hour. /sl.<version>.js is the same script under a name that
// changes with its content, cached for a year, for shops that pin a version.
const VERSION = sha256Hex(SHOP_SCRIPT).slice(0, 12);
const ETAG = `"${VERSION}"`;
export const SHOP_SCRIPT_PATH = "/sl.js";
export const VERSIONED_SHOP_SCRIPT_PATH = `/sl.${VERSION}.js`;

const CACHE_CONTROL = {
  [SHOP_SCRIPT_PATH]: "public, max-age=3600, stale-while-revalidate=86400",
  [VERSIONED_SHOP_SCRIPT_PATH]: "public, max-age=31536000, immutable",
};

const matches = (ifNoneMatch: string | null) =>
  ifNoneMatch?.split(",").some((tag) => {
    const value = tag.trim().replace(/^W\//, "");
    return value === ETAG || value === "*";
  }) ?? false;

export function shopScriptResponse(path: string, ifNoneMatch: string | null): Response | null {
  const cacheControl = CACHE_CONTROL[path];
  if (!cacheControl) return null;
  const headers = {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": cacheControl,
    ETag: ETAG,
    "X-Content-Type-Options": "nosniff",
    // Loaded by other sites' pages: allowed under their Cross-Origin-Embedder-Policy, and
    // readable with CORS for a Subresource Integrity check.
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Allow-Origin": "*",
  };
  if (matches(ifNoneMatch)) return new Response(null, { status: 304, headers });
  return new Response(SHOP_SCRIPT, { headers });
}
