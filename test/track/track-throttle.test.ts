import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db";
import { DomainError } from "../../src/errors";
import { admitTrackRequest, TRACK_VISITOR_THROTTLE } from "../../src/track/track-throttle";

const refusal = (promise: Promise<void>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof DomainError ? error : Promise.reject(error)),
  );

describe("the shop script's throttle", () => {
  it("holds a visitor's sessions together, and lets the visitor back once its window has passed", async () => {
    const db = createDb(env.DB);
    const visitor = `clk_${crypto.randomUUID()}`;
    const start = Date.now();
    // One request per new session: no session reaches its own limit, the visitor reaches its.
    for (let i = 0; i < TRACK_VISITOR_THROTTLE.limit; i++) {
      await admitTrackRequest(db, { visitor, session: `s${i}` }, () => start + i);
    }
    const refused = await refusal(admitTrackRequest(db, { visitor, session: "fresh" }, () => start + 1_000));
    expect(refused?.code).toBe("rate_limited");
    // Until the first of them leaves the window.
    expect(refused?.retryAfterSeconds).toBe(Math.ceil((TRACK_VISITOR_THROTTLE.windowMs - 1_000) / 1000));
    // Another visitor is served meanwhile.
    await admitTrackRequest(db, { visitor: `${visitor}-other`, session: null }, () => start + 1_000);
    await admitTrackRequest(
      db,
      { visitor, session: "fresh" },
      () => start + TRACK_VISITOR_THROTTLE.windowMs + 1,
    );
  });
});
