import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { api, createKey, expectError, stopClock, unique } from "../support/helpers";

describe("API conventions", () => {
  it("answers 413 to bodies over 64 KiB", async () => {
    const res = await api("POST", "/campaigns", {
      body: { name: "x".repeat(70 * 1024), objective: "sales", currency: "EUR" },
    });
    expectError(res, 413, "payload_too_large");
  });

  it("answers 422 with the failing fields on validation errors", async () => {
    const res = await api("POST", "/campaigns", { body: { name: "", objective: "fame", currency: "EURO" } });
    expectError(res, 422, "validation_failed");
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "objective", "currency"]));
  });

  it("rejects unknown fields, wrong types and huge numbers with 422, never 500", async () => {
    const bodies = [
      { name: "A", objective: "sales", currency: "EUR", colour: "red" },
      { name: 42, objective: "sales", currency: "EUR" },
      { name: "A", objective: "sales", currency: "EUR", budget: -1 },
      { name: "A", objective: "sales", currency: "EUR", budget: 1e300 },
      { name: "A", objective: "sales", currency: "EUR", budget: 1.5 },
      [],
      "just a string",
      null,
    ];
    for (const body of bodies) {
      const res = await api("POST", "/campaigns", { body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
  });

  it("refuses amounts and counts past 10^13, so that no sum of them can overflow", async () => {
    const over = 10 ** 13 + 1;
    const campaign = { name: unique("cap"), objective: "sales", currency: "EUR" };
    expectError(
      await api("POST", "/campaigns", { body: { ...campaign, budget: over } }),
      422,
      "validation_failed",
    );
    expect((await api("POST", "/campaigns", { body: { ...campaign, budget: 10 ** 13 } })).status).toBe(201);
    const checkout = (await createKey("checkout")).key;
    const order = { code: "ANY", order_id: "o-huge", amount: over, currency: "EUR" };
    expectError(await api("POST", "/redemptions", { key: checkout, body: order }), 422, "validation_failed");
    const refund = { order_id: "o-huge", refund_id: "r-huge", amount: over };
    expectError(await api("POST", "/refunds", { key: checkout, body: refund }), 422, "validation_failed");
    const metrics = { impressions: over };
    expectError(await api("POST", "/posts/post_x/metrics", { body: metrics }), 422, "validation_failed");
  });

  it("refuses times whose offset carries them past the year 9999", async () => {
    // 23:59:59 at -23:59 on the last day of 9999 is already the year 10000 in UTC, which the
    // rollup's days cannot hold; the last UTC moment of 9999 is still a time.
    for (const at of ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+01:00"]) {
      const res = await api("POST", "/campaigns", {
        body: { name: "T", objective: "sales", currency: "EUR", starts_at: at },
      });
      expectError(res, 422, "validation_failed");
      const goal = await api("POST", "/campaigns", {
        body: {
          name: "T",
          objective: "sales",
          currency: "EUR",
          goals: [{ metric: "clicks", target: 1, due: at }],
        },
      });
      expectError(goal, 422, "validation_failed");
    }
    const last = await api("POST", "/campaigns", {
      body: { name: "T", objective: "sales", currency: "EUR", ends_at: "9999-12-31T23:59:59.999Z" },
    });
    expect(last.status).toBe(201);
  });

  it("answers 400 invalid_json to a body that is not JSON", async () => {
    expectError(await api("POST", "/campaigns", { body: "{not json" }), 400, "invalid_json");
  });

  it("answers 415 unsupported_media_type to a body that is not sent as JSON", async () => {
    const body = JSON.stringify({ name: unique("json"), objective: "sales", currency: "EUR" });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
      const res = await api("POST", "/campaigns", { body, headers: { "Content-Type": type } });
      expectError(res, 415, "unsupported_media_type");
    }
    expect(
      (
        await api("POST", "/campaigns", {
          body,
          headers: { "Content-Type": "application/json; charset=utf-8" },
        })
      ).status,
    ).toBe(201);
  });

  it("answers unknown API routes with a JSON 404", async () => {
    expectError(await api("GET", "/nothing-here"), 404, "not_found");
  });

  it("paginates lists with limit and cursor, newest first", async () => {
    const names = ["P1", "P2", "P3"].map((n) => `${n}-${crypto.randomUUID()}`);
    // Each made a millisecond after the one before: two in the same one would be in id order.
    stopClock();
    for (const name of names) {
      await api("POST", "/campaigns", { body: { name, objective: "leads", currency: "EUR" } });
      vi.setSystemTime(Date.now() + 1);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api>> = await api(
        "GET",
        `/campaigns?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((c: { name: string }) => c.name));
      cursor = page.body.next_cursor;
    } while (cursor);
    const ours = seen.filter((n) => names.includes(n));
    expect(ours).toEqual([...names].reverse());
    expect(new Set(seen).size, JSON.stringify(seen)).toBe(seen.length);
    expectError(await api("GET", "/campaigns?limit=0"), 422, "validation_failed");
    expectError(await api("GET", "/campaigns?limit=101"), 422, "validation_failed");
    expectError(await api("GET", "/campaigns?cursor=garbage"), 422, "invalid_cursor");
    // Cursors that decode but hold no time: refused, not an empty page.
    const forged = (position: unknown) => btoa(JSON.stringify(position)).replaceAll("=", "");
    for (const position of [
      [1e308, "x"],
      [1.5, "x"],
      [-1e300, "x"],
      ["1", "x"],
      [1, 2],
    ]) {
      expectError(await api("GET", `/campaigns?cursor=${forged(position)}`), 422, "invalid_cursor");
    }
  });

  it("documents every API route in the OpenAPI document and on /docs", async () => {
    const doc = (await (await exports.default.fetch("https://sl.test/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { servers?: { url: string }[]; responses?: object }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        "post /keys",
        "get /keys",
        "delete /keys/{id}",
        "post /campaigns",
        "get /campaigns",
        "get /campaigns/{id}",
        "patch /campaigns/{id}",
        "put /campaigns/{id}/influencers/{influencer_id}",
        "post /influencers",
        "get /influencers",
        "get /influencers/{id}",
        "patch /influencers/{id}",
        "post /influencers/{id}/followers",
        "post /links",
        "get /links",
        "get /links/{id}",
        "patch /links/{id}",
      ]),
    );
    // The redirect is an endpoint too, served at the root rather than under the document's /api/v1.
    for (const method of ["get", "head"]) {
      const op = doc.paths["/{slug}"]?.[method];
      expect(op?.servers, method).toEqual([{ url: "/" }]);
      expect(Object.keys(op?.responses ?? {}), method).toEqual(expect.arrayContaining(["302", "404", "410"]));
    }
    const docs = await exports.default.fetch("https://sl.test/docs");
    expect(docs.status).toBe(200);
    const html = await docs.text();
    for (const [path, ops] of Object.entries(doc.paths)) {
      const prefix = Object.values(ops)[0]?.servers ? "" : "/api/v1";
      expect(html).toContain(`<code>${prefix}${path}</code>`);
    }
  });
});
