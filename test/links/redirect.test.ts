import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, clickRows, createLink, follow, utcDay, waitForClicks } from "../support/helpers";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

describe("GET /:slug", () => {
  it("302s to the destination plus the visitor's query and a click id, never cached", async () => {
    const link = await createLink({ url: "https://shop.example/p?ref=ig" });
    const res = await follow(link.slug, { query: "?fbclid=abc&utm_source=spoofed&ref=other&sl_cid=forged" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const location = new URL(res.headers.get("Location") as string);
    expect(location.origin + location.pathname).toBe("https://shop.example/p");
    expect(location.searchParams.get("fbclid")).toBe("abc");
    // The link's own parameters win over the visitor's.
    expect(location.searchParams.getAll("utm_source")).toEqual(["instagram"]);
    expect(location.searchParams.getAll("ref")).toEqual(["ig"]);
    expect(location.searchParams.getAll("sl_cid")).toHaveLength(1);
    expect(location.searchParams.get("sl_cid")).toMatch(/^clk_[0-9a-z]{9}[0-9A-Za-z]{22}[0-9a-f]{16}$/);
    expect(location.searchParams.get("sl_cid")).toContain(link.id.slice(4));
  });

  it("gives every click its own id, and logs it to D1 through the queue", async () => {
    const link = await createLink();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const res = await follow(link.slug, { headers: { "User-Agent": IPHONE } });
      ids.push(new URL(res.headers.get("Location") as string).searchParams.get("sl_cid"));
    }
    expect(new Set(ids).size).toBe(3);
    const rows = await waitForClicks(link.id, 3);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  });

  it("answers HEAD with a 302 without click id, logged as a bot", async () => {
    const link = await createLink();
    const res = await follow(link.slug, { method: "HEAD", headers: { "User-Agent": IPHONE } });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("Location") as string).searchParams.has("sl_cid")).toBe(false);
    const [row] = await waitForClicks(link.id, 1);
    expect(row).toMatchObject({ is_bot: 1, device: "bot" });
  });

  it("404s an unknown slug with a page, also for slugs that cannot exist", async () => {
    for (const slug of ["nope-nope", "x", "a%20b"]) {
      const res = await follow(slug);
      expect(res.status, slug).toBe(404);
      expect(res.headers.get("Content-Type")).toContain("text/html");
    }
  });

  it("words a dead link's page in the language the browser asks for", async () => {
    const english = await (await follow("nope-nope")).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("<h1>Link not found</h1>");
    const french = await follow("nope-nope", { headers: { "Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8" } });
    expect(french.status).toBe(404);
    const page = await french.text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain("<h1>Lien introuvable</h1>");
    const link = await createLink();
    await api("PATCH", `/links/${link.id}`, { body: { disabled: true } });
    const disabled = await follow(link.slug, { headers: { "Accept-Language": "fr" } });
    expect(disabled.status).toBe(410);
    expect(await disabled.text()).toContain("<h1>Lien désactivé</h1>");
  });

  it("410s a disabled link, at once on the isolate that changed it", async () => {
    const link = await createLink();
    expect((await follow(link.slug)).status).toBe(302);
    await api("PATCH", `/links/${link.id}`, { body: { disabled: true } });
    expect((await follow(link.slug)).status).toBe(410);
    await api("PATCH", `/links/${link.id}`, { body: { disabled: false } });
    expect((await follow(link.slug)).status).toBe(302);
  });

  it("follows an edited destination", async () => {
    const link = await createLink();
    await follow(link.slug);
    await api("PATCH", `/links/${link.id}`, { body: { url: "https://other.example/landing" } });
    const location = new URL((await follow(link.slug)).headers.get("Location") as string);
    expect(location.host).toBe("other.example");
  });

  it("sends an expired link to its expired_url, or answers 410 without one", async () => {
    const past = "2020-01-01T00:00:00Z";
    const withFallback = await createLink({ expires_at: past, expired_url: "https://shop.example/ended" });
    const res = await follow(withFallback.slug);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("https://shop.example/ended");
    const without = await createLink({ expires_at: past });
    expect((await follow(without.slug)).status).toBe(410);
    const future = await createLink({ expires_at: "2999-01-01T00:00:00Z" });
    expect((await follow(future.slug)).status).toBe(302);
  });

  it("serves a cached link without reading D1", async () => {
    const link = await createLink();
    expect((await follow(link.slug)).status).toBe(302);
    // Change the row behind the API's back: a cached link does not see it until its TTL ends,
    // which shows the hot path did not query D1.
    await env.DB.prepare("UPDATE links SET disabled = 1 WHERE id = ?").bind(link.id).run();
    expect((await follow(link.slug)).status).toBe(302);
  });

  it("records geo from request.cf, device, browser, OS, referrer host and a visitor hash, never the IP", async () => {
    const link = await createLink();
    const ip = "203.0.113.77";
    await follow(link.slug, {
      headers: { "User-Agent": IPHONE, Referer: "https://l.instagram.com/?u=xyz", "CF-Connecting-IP": ip },
      cf: { country: "FR", region: "Île-de-France", city: "Paris" },
    } as RequestInit);
    const [row] = await waitForClicks(link.id, 1);
    expect(row).toMatchObject({
      link_id: link.id,
      campaign_id: link.campaign_id,
      influencer_id: link.influencer_id,
      country: "FR",
      region: "Île-de-France",
      city: "Paris",
      device: "mobile",
      browser: "Mobile Safari",
      os: "iOS",
      referer_host: "l.instagram.com",
      is_bot: 0,
    });
    expect(row?.visitor_hash).toMatch(/^[0-9a-f]{64}$/);
    // The UTC day of the click itself: a day read from the clock after the queue may be the next.
    expect(row?.day).toBe(utcDay(row?.clicked_at as number));
    expect(JSON.stringify(await clickRows(link.id))).not.toContain(ip);
  });

  it("flags crawlers as bots and counts one unique click per visitor, link and day", async () => {
    const link = await createLink();
    const person = { "User-Agent": IPHONE, "CF-Connecting-IP": "198.51.100.1" };
    await follow(link.slug, { headers: person });
    await follow(link.slug, { headers: person });
    await follow(link.slug, { headers: { ...person, "CF-Connecting-IP": "198.51.100.2" } });
    await follow(link.slug, { headers: { "User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)" } });
    const rows = await waitForClicks(link.id, 4);
    expect(rows.filter((r) => r.is_bot === 1)).toHaveLength(1);
    const humans = rows.filter((r) => r.is_bot === 0);
    // Two visitors, unless UTC midnight fell between the first one's two clicks: the salt, and so
    // the hash, is a UTC day's, and each of its days is a unique click.
    const [first, second] = humans.map((r) => utcDay(r.clicked_at as number));
    const visitorDays = first === second ? 2 : 3;
    const hashes = new Set(humans.map((r) => r.visitor_hash));
    expect(hashes.size).toBe(visitorDays);
    const uniques = await env.DB.prepare("SELECT COUNT(*) AS n FROM click_uniques WHERE link_id = ?")
      .bind(link.id)
      .first<{ n: number }>();
    expect(uniques?.n).toBe(visitorDays);
  });

  it("loses no click of a window of the largest clicks the redirect keeps", async () => {
    // Queues refuses a message over 128 KB. A click keeps up to 512 characters of user agent,
    // 255 of referer host, and 64, 128 and 128 of country, region and city, the last three from
    // request.cf and outside Latin-1 here (two bytes a character in the message). A full
    // window of such clicks, none sharing a user agent, must still all arrive.
    const link = await createLink();
    const host = `${Array.from({ length: 4 }, (_, i) => `${i}`.repeat(60)).join(".")}.example`;
    const answered = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        follow(link.slug, {
          headers: {
            "User-Agent": `${i} ${"x".repeat(600)}`,
            Referer: `https://${host}/`,
            "CF-Connecting-IP": `198.51.100.${i}`,
          },
          cf: { country: "Ж".repeat(64), region: "Ж".repeat(128), city: "Ж".repeat(128) },
        }),
      ),
    );
    expect(answered.every((res) => res.status === 302)).toBe(true);
    const rows = await waitForClicks(link.id, 100);
    expect(rows).toHaveLength(100);
    expect(rows[0]).toMatchObject({ city: "Ж".repeat(128), referer_host: host });
  });
});
