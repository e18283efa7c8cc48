import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/crypto";
import { SHOP_SCRIPT } from "../../workers/generated/shop-script";
import { BASE } from "../support/helpers";

const MAX_GZIPPED_BYTES = 3 * 1024;

async function gzippedSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}${path}`, { headers });

describe("GET /sl.js", () => {
  it("serves the built script, at most 3 KB gzipped, with no dependency", async () => {
    const res = await get("/sl.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    const body = await res.text();
    expect(body).toBe(SHOP_SCRIPT);
    expect(body).toContain("/api/v1/track/");
    expect(body).not.toMatch(/\bimport\s*\(|\brequire\(|^import\s/m);
    const size = await gzippedSize(body);
    console.log(`sl.js: ${body.length} bytes, ${size} bytes gzipped (limit ${MAX_GZIPPED_BYTES})`);
    expect(size).toBeLessThanOrEqual(MAX_GZIPPED_BYTES);
  });

  it("is revalidated by its ETag (304 without a body), and cached for a year under its versioned name", async () => {
    const res = await get("/sl.js");
    const etag = res.headers.get("ETag") as string;
    const version = sha256Hex(SHOP_SCRIPT).slice(0, 12);
    expect(etag).toBe(`"${version}"`);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=3600, stale-while-revalidate=86400");
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const again = await get("/sl.js", { "If-None-Match": ifNoneMatch });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
    }
    expect((await get("/sl.js", { "If-None-Match": '"stale"' })).status).toBe(200);

    const pinned = await get(`/sl.${version}.js`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(await pinned.text()).toBe(SHOP_SCRIPT);
    expect((await get("/sl.000000000000.js")).status).toBe(404);
  });
});
