import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { visitorHash } from "../../src/clicks/visitor-hash";

describe("visitor hash", () => {
  it("is stable within a UTC day and changes with the day, the IP, the agent and the secret", () => {
    const day = Date.UTC(2026, 10, 24, 1);
    const base = visitorHash("s", day, "203.0.113.1", "UA");
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(visitorHash("s", day + 20 * 3_600_000, "203.0.113.1", "UA")).toBe(base);
    expect(visitorHash("s", day + 24 * 3_600_000, "203.0.113.1", "UA")).not.toBe(base);
    expect(visitorHash("s", day, "203.0.113.2", "UA")).not.toBe(base);
    expect(visitorHash("s", day, "203.0.113.1", "UA2")).not.toBe(base);
    expect(visitorHash("t", day, "203.0.113.1", "UA")).not.toBe(base);
  });

  it("is SHA-256 of the day's HMAC salt, the IP and the agent, also across day edges and secrets", () => {
    const expected = (secret: string, at: number, ip: string, ua: string) => {
      const day = new Date(at).toISOString().slice(0, 10);
      const salt = createHmac("sha256", secret).update(`swayline-visitor-salt:${day}`).digest("hex");
      return createHash("sha256").update(`${salt}\n${ip}\n${ua}`).digest("hex");
    };
    const midnight = Date.UTC(2026, 10, 25);
    // The salt is kept between calls: the last and first millisecond of a day, going back in
    // time, and switching secrets must each get their own day's salt.
    const cases: [string, number][] = [
      ["s", midnight - 1],
      ["s", midnight],
      ["s", midnight + 86_399_999],
      ["s", midnight + 86_400_000],
      ["s", midnight - 1],
      ["t", midnight - 1],
      ["s", midnight - 1],
      ["s", 0],
    ];
    for (const [secret, at] of cases) {
      expect(visitorHash(secret, at, "198.51.100.7", "Agent/1.0 é")).toBe(
        expected(secret, at, "198.51.100.7", "Agent/1.0 é"),
      );
    }
  });
});
