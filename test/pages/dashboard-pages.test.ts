import { describe, expect, it } from "vitest";
import { createApp } from "../../workers/app";
import { order, promoCode } from "../support/figure-helpers";
import {
  ADMIN,
  api,
  createCampaign,
  createInfluencer,
  follow,
  unique,
  waitForClicks,
} from "../support/helpers";
import { PageClient } from "../support/page-client";

const PHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

async function admin() {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  return browser;
}

// The message shown under a form field (its id is `<form>-<field>`).
const fieldError = (html: string, id: string) => new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(html)?.[1];

const tile = (html: string, metric: string) =>
  new RegExp(`data-metric="${metric}"><dt>[^<]*</dt><dd>([^<]*)</dd>`).exec(html)?.[1];

describe("dashboard forms", () => {
  it("creates a campaign, an influencer, a link and a code through the forms", async () => {
    const browser = await admin();
    const created = await browser.post(
      "/dashboard/campaigns",
      {
        name: "Form-made",
        objective: "sales",
        currency: "eur",
        budget: "1500.50",
        starts_at: "2026-11-01",
      },
      "/dashboard",
    );
    expect(created.status).toBe(303);
    const page = created.headers.get("Location") as string;
    const id = page.split("/").at(-1) as string;
    const campaign = (await api("GET", `/campaigns/${id}`)).body;
    expect(campaign).toMatchObject({
      name: "Form-made",
      currency: "EUR",
      budget: 150050,
      starts_at: "2026-11-01T00:00:00.000Z",
    });

    const handle = unique("form.maker");
    expect(
      (await browser.post(`${page}/influencers`, { handle: `@${handle}`, platform: "tiktok" }, page)).status,
    ).toBe(303);
    const influencer = (await api("GET", "/influencers?platform=tiktok&limit=100")).body.data.find(
      (i: { handle: string }) => i.handle === handle,
    );
    expect(influencer).toBeDefined();
    const enrolled = await browser.post(
      `${page}/enrolments`,
      { influencer: influencer.id, fee: "250", commission_rate: "10", other_costs: "12,50" },
      page,
    );
    expect(enrolled.status).toBe(303);
    expect(
      (await api("GET", `/campaigns/${id}/influencers`)).body.data ??
        (await api("GET", `/campaigns/${id}/influencers`)).body,
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          influencer_id: influencer.id,
          fee: 25_000,
          commission_rate: 0.1,
          other_costs: 1250,
        }),
      ]),
    );
    const slug = unique("form");
    expect(
      (
        await browser.post(
          `${page}/links`,
          { influencer: influencer.id, url: "https://shop.example/x", slug },
          page,
        )
      ).status,
    ).toBe(303);
    expect(
      (await browser.post(`${page}/codes`, { influencer: influencer.id, code: unique("FORM") }, page)).status,
    ).toBe(303);

    const html = (await browser.request(page)).text;
    expect(html).toContain(`/${slug}`);
    expect(html).toContain(`data-copy="https://sl.test/${slug}"`);
    expect(html).toMatch(/<svg class="qr"[^>]*role="img"/);
    expect(html).toContain(`@${handle}`);
  });

  it("shows validation errors on the field, with what was typed, as a 422 page (never a 500)", async () => {
    const browser = await admin();
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const page = `/dashboard/campaigns/${campaign.id}`;
    const badUrl = await browser.post(
      `${page}/links`,
      { influencer: influencer.id, url: "javascript:alert(1)" },
      page,
    );
    expect(badUrl.status).toBe(422);
    expect(badUrl.text).toMatch(/id="link-url"[^>]*aria-invalid="true"/);
    expect(badUrl.text).toContain('id="link-url-error"');
    expect(badUrl.text).toContain('value="javascript:alert(1)"');

    const reserved = await browser.post(
      `${page}/links`,
      { influencer: influencer.id, url: "https://a.example", slug: "dashboard" },
      page,
    );
    expect(reserved.status).toBe(422);
    expect(reserved.text).toMatch(/id="link-slug"[^>]*aria-invalid="true"/);
    expect(fieldError(reserved.text, "link-slug")).toBe("Reserved: Swayline uses this path itself.");
    const malformed = await browser.post(
      `${page}/links`,
      { influencer: influencer.id, url: "https://a.example", slug: "a b" },
      page,
    );
    expect(fieldError(malformed.text, "link-slug")).toBe("3 to 64 letters, digits, _ or -.");

    const code = unique("DUP");
    await browser.post(`${page}/codes`, { influencer: influencer.id, code }, page);
    const taken = await browser.post(`${page}/codes`, { influencer: influencer.id, code }, page);
    expect(taken.status).toBe(422);
    expect(fieldError(taken.text, "code-code")).toBe("Already taken.");
    expect(taken.text).toMatch(/id="code-code"[^>]*aria-invalid="true"/);
    expect(taken.text).toContain(`href="${page}?lang=fr"`);

    const money = await browser.post(
      "/dashboard/campaigns",
      { name: "x", objective: "sales", currency: "EUR", budget: "12.345" },
      "/dashboard",
    );
    expect(money.status).toBe(422);
    expect(money.text).toMatch(/id="campaign-budget"[^>]*aria-invalid="true"/);

    const unknownCampaign = await browser.request("/dashboard/campaigns/cmp_nope");
    expect(unknownCampaign.status).toBe(404);
    expect(unknownCampaign.headers.get("Content-Type")).toMatch(/^text\/html/);
  });

  it("takes the campaign's time zone on the form, refuses an unknown one, and shows it on the campaign", async () => {
    const browser = await admin();
    const unknown = await browser.post(
      "/dashboard/campaigns",
      { name: "Zoned", objective: "sales", currency: "EUR", timezone: "Europe/Atlantis" },
      "/dashboard",
    );
    expect(unknown.status).toBe(422);
    expect(unknown.text).toMatch(/id="campaign-timezone"[^>]*aria-invalid="true"/);
    expect(fieldError(unknown.text, "campaign-timezone")).toBe(
      "A time zone name such as Europe/Paris or America/New_York.",
    );
    const created = await browser.post(
      "/dashboard/campaigns",
      { name: "Zoned", objective: "sales", currency: "EUR", timezone: "europe/paris" },
      "/dashboard",
    );
    expect(created.status).toBe(303);
    const page = created.headers.get("Location") as string;
    const id = page.split("/").at(-1) as string;
    expect((await api("GET", `/campaigns/${id}`)).body.timezone).toBe("Europe/Paris");
    expect((await browser.request(page)).text).toContain("Time zone: Europe/Paris");
    expect((await browser.request(`${page}?lang=fr`)).text).toContain("Fuseau horaire : Europe/Paris");
  });

  it("reads and shows a campaign's dates as days of its time zone, and keeps them when saved unchanged", async () => {
    const browser = await admin();
    const created = await browser.post(
      "/dashboard/campaigns",
      {
        name: "New York days",
        objective: "sales",
        currency: "USD",
        timezone: "America/New_York",
        starts_at: "2026-03-01",
        ends_at: "2026-03-10",
      },
      "/dashboard",
    );
    expect(created.status).toBe(303);
    const id = (created.headers.get("Location") as string).split("/").at(-1) as string;
    const stored = (await api("GET", `/campaigns/${id}`)).body;
    expect([stored.starts_at, stored.ends_at]).toEqual([
      "2026-03-01T05:00:00.000Z",
      "2026-03-11T03:59:59.999Z",
    ]);
    // The edit form shows the days as typed, not the UTC dates of those instants.
    const edit = (await browser.request(`/dashboard/campaigns/${id}/edit`)).text;
    expect(edit).toMatch(/name="starts_at"[^>]*value="2026-03-01"/);
    expect(edit).toMatch(/name="ends_at"[^>]*value="2026-03-10"/);
    // Saving the form with only the budget changed leaves the dates as they were.
    const saved = await browser.post(
      `/dashboard/campaigns/${id}/edit`,
      {
        name: "New York days",
        objective: "sales",
        timezone: "America/New_York",
        budget: "500.00",
        starts_at: "2026-03-01",
        ends_at: "2026-03-10",
        attribution_window_days: "30",
      },
      `/dashboard/campaigns/${id}/edit`,
    );
    expect(saved.status, saved.text.slice(0, 500)).toBe(303);
    const after = (await api("GET", `/campaigns/${id}`)).body;
    expect([after.budget, after.starts_at, after.ends_at]).toEqual([
      50_000,
      "2026-03-01T05:00:00.000Z",
      "2026-03-11T03:59:59.999Z",
    ]);
  });

  // Some twenty full campaign pages (each refused form comes back as the page): more than the
  // default timeout allows on a busy machine.
  it("words each refusal in the page's language, with bounds written as the field is typed", async () => {
    const browser = await admin();
    const campaign = await createCampaign();
    const influencer = await createInfluencer();
    const page = `/dashboard/campaigns/${campaign.id}`;
    const refusals = async () => ({
      campaign: await browser.post(
        "/dashboard/campaigns",
        { name: "", objective: "fame", currency: "EURO", budget: "1" },
        "/dashboard",
      ),
      influencer: await browser.post(
        `${page}/influencers`,
        { handle: "x", platform: "x", followers: "-1" },
        page,
      ),
      // A commission typed in % (the API takes 0–1): its bound is shown in % too.
      enrolment: await browser.post(
        `${page}/enrolments`,
        { influencer: influencer.id, fee: "12.345", commission_rate: "150" },
        page,
      ),
      link: await browser.post(`${page}/links`, { influencer: influencer.id, url: "data:text/html,x" }, page),
      share: await browser.post(`${page}/share-links`, { days: "91" }, page),
    });

    const english = await refusals();
    for (const response of Object.values(english)) {
      expect(response.status).toBe(422);
      // zod's and the API's developer English never reaches a page.
      expect(response.text).not.toMatch(/Invalid (input|option)|Too (big|small)|expected/);
    }
    expect(fieldError(english.campaign.text, "campaign-name")).toBe("Required.");
    expect(fieldError(english.campaign.text, "campaign-objective")).toBe("Choose one from the list.");
    expect(fieldError(english.campaign.text, "campaign-currency")).toBe(
      "A three-letter currency code, such as EUR.",
    );
    expect(fieldError(english.influencer.text, "influencer-followers")).toBe("At least 0.");
    expect(fieldError(english.enrolment.text, "enrolment-commission_rate")).toBe("At most 100%.");
    expect(fieldError(english.enrolment.text, "enrolment-fee")).toBe(
      "Enter an amount in EUR, such as 12.50.",
    );
    expect(fieldError(english.link.text, "link-url")).toBe("An address starting with http:// or https://.");
    expect(fieldError(english.share.text, "share-days")).toBe("At most 90.");
    const longLabel = await browser.post(`${page}/share-links`, { label: "x".repeat(5000) }, page);
    expect(longLabel.status).toBe(422);
    expect(fieldError(longLabel.text, "share-label")).toBe("At most 200 characters.");

    await browser.request(`${page}?lang=fr`);
    const french = await refusals();
    expect(french.campaign.text).toContain("Veuillez corriger les champs indiqués ci-dessous.");
    expect(fieldError(french.campaign.text, "campaign-name")).toBe("Obligatoire.");
    expect(fieldError(french.campaign.text, "campaign-objective")).toBe("Choisissez dans la liste.");
    expect(fieldError(french.influencer.text, "influencer-followers")).toBe("Au moins 0.");
    expect(fieldError(french.enrolment.text, "enrolment-commission_rate")).toMatch(/^Au plus 100\s%\.$/u);
    expect(fieldError(french.enrolment.text, "enrolment-fee")).toBe(
      "Saisissez un montant en EUR, par exemple 12,50.",
    );
    // Amounts are shown to be typed the page's way: the placeholders too.
    expect(french.enrolment.text).toMatch(/id="enrolment-other_costs"[^>]*placeholder="0,00"/);
    expect(english.enrolment.text).toMatch(/id="enrolment-other_costs"[^>]*placeholder="0.00"/);
    expect(fieldError(french.link.text, "link-url")).toBe("Une adresse commençant par http:// ou https://.");
    expect(fieldError(french.share.text, "share-days")).toBe("Au plus 90.");
    const code = unique("FR");
    await browser.post(`${page}/codes`, { influencer: influencer.id, code }, page);
    const taken = await browser.post(`${page}/codes`, { influencer: influencer.id, code }, page);
    expect(fieldError(taken.text, "code-code")).toBe("Déjà pris.");
    expect(
      fieldError(
        (await browser.post(`${page}/enrolments`, { influencer: "inf_nope", fee: "1" }, page)).text,
        "enrolment-influencer",
      ),
    ).toBe("Choisissez un influenceur dans la liste.");
    // Some twenty pages, each with its figures, lists and pickers: more than the default 5 s
    // when other tests share the machine.
  }, 60_000);

  it("sets goals typed as the page shows each metric, refuses bad ones, and removes one by what it says", async () => {
    const browser = await admin();
    const campaign = await createCampaign();
    const page = `/dashboard/campaigns/${campaign.id}`;
    const addGoal = (form: Record<string, string>) => browser.post(`${page}/goals`, form, page);
    const goals = async () => (await api("GET", `/campaigns/${campaign.id}`)).body.goals;

    expect((await addGoal({ metric: "revenue", target: "1400,50", due: "2026-12-10" })).status).toBe(303);
    expect((await addGoal({ metric: "ctr", target: "2.5" })).status).toBe(303);
    expect((await addGoal({ metric: "conversions", target: "300" })).status).toBe(303);
    // The same goal sent again (a double click) is set once.
    expect((await addGoal({ metric: "conversions", target: "300" })).status).toBe(303);
    expect(await goals()).toEqual([
      { metric: "revenue", target: 140050, due: "2026-12-10T23:59:59.999Z" },
      { metric: "ctr", target: 0.025, due: null },
      { metric: "conversions", target: 300, due: null },
    ]);
    const shown = await browser.request(page);
    expect(shown.text).toContain('data-goal="revenue"');
    expect(shown.text).toContain("€1,400.50");

    const refusals: Record<string, string>[] = [
      { metric: "fame", target: "10" },
      { metric: "revenue", target: "12.345" },
      { metric: "clicks", target: "-5" },
      { metric: "clicks", target: "many" },
      { metric: "clicks", target: "10", due: "soon" },
    ];
    for (const bad of refusals) {
      const refused = await addGoal(bad);
      expect(refused.status, JSON.stringify(bad)).toBe(422);
      expect(refused.text).toMatch(/id="goal-(metric|target|due)"[^>]*aria-invalid="true"|field-error/);
    }
    // A target's bound is written as the target is typed: an amount in the campaign's currency.
    const zero = await addGoal({ metric: "revenue", target: "0" });
    expect(fieldError(zero.text, "goal-target")).toBe(`More than 0.00 ${campaign.currency}.`);
    expect(await goals()).toHaveLength(3);

    // Named by what it says: sent twice, the second finds nothing and removes nothing else.
    const ctr = JSON.stringify(["ctr", 0.025, null]);
    for (let i = 0; i < 2; i++) {
      expect((await browser.post(`${page}/goals/remove`, { goal: ctr }, page)).status).toBe(303);
    }
    expect((await goals()).map((g: { metric: string }) => g.metric)).toEqual(["revenue", "conversions"]);
    // Some twenty pages again: see above.
  }, 60_000);

  it("answers nonsense in every form with a page, never a 500", async () => {
    const browser = await admin();
    const campaign = await createCampaign();
    const junk = {
      name: "",
      objective: "fame",
      currency: "€€",
      budget: "-5",
      starts_at: "yesterday",
      handle: " ",
      platform: "myspace",
      followers: "1e999",
      influencer: "inf_nobody",
      url: "ftp://x",
      slug: "a b",
      code: "!",
      max_redemptions: "0",
      fee: "abc",
      commission_rate: "150",
      other_costs: "1.234",
      days: "0",
      back: "//evil.example",
      key: "x",
    };
    const routes = createApp().routes.filter((r) => r.method === "POST" && !r.path.startsWith("/api/"));
    const token = await browser.csrfFrom("/dashboard");
    for (const { path } of routes) {
      if (path === "/logout") continue;
      const concrete = path.replace(":id", path.includes("share-links/") ? "shr_nope" : campaign.id);
      const res = await browser.request(concrete, { form: { _csrf: token, ...junk } });
      expect(res.status, concrete).toBeLessThan(500);
      if (res.status === 303) expect(res.headers.get("Location"), concrete).toMatch(/^\/[a-z]/);
      else expect(res.headers.get("Content-Type"), concrete).toMatch(/^text\/html/);
    }
  });

  it("answers a made-up cursor with a 4xx page, never a 500", async () => {
    const browser = await admin();
    const forged = (position: unknown) => btoa(JSON.stringify(position)).replaceAll("=", "");
    for (const cursor of ["%ff", "not-a-cursor", forged([1e308, "x"]), forged([1, { a: 1 }]), "W10"]) {
      const res = await browser.request(`/dashboard?cursor=${cursor}`);
      expect(res.status, cursor).toBe(422);
      expect(res.headers.get("Content-Type"), cursor).toMatch(/^text\/html/);
      expect(res.text, cursor).toContain("The cursor is not one this API returned.");
    }
    expect((await browser.request(`/dashboard?cursor=${forged([1e308, "x"])}&lang=fr`)).text).toContain(
      "Cette adresse n’est pas valide",
    );
  });

  it("shows a click on the campaign page after refresh now runs the rollup", async () => {
    const browser = await admin();
    const campaign = await createCampaign({ name: "Clicky" });
    const influencer = await createInfluencer();
    const link = (
      await api("POST", "/links", {
        body: { campaign_id: campaign.id, influencer_id: influencer.id, url: "https://shop.example/" },
      })
    ).body;
    await follow(link.slug, { headers: { "User-Agent": PHONE, "CF-Connecting-IP": "198.51.100.7" } });
    await follow(link.slug, { headers: { "User-Agent": PHONE, "CF-Connecting-IP": "198.51.100.8" } });
    const clicks = await waitForClicks(link.id, 2);
    const page = `/dashboard/campaigns/${campaign.id}`;
    const refreshed = await browser.post("/dashboard/rollup", { back: page }, page);
    expect(refreshed.status).toBe(303);
    expect(refreshed.headers.get("Location")).toBe(page);
    const html = (await browser.request(page)).text;
    expect(tile(html, "clicks")).toBe("2");
    expect(tile(html, "unique_clicks")).toBe("2");
    expect(html).toMatch(/data-as-of="\d{4}-/);
    // The clicks' day in the chart's text alternative (their own day, read from their rows: UTC
    // midnight may fall between them, or before the page), and the clicks by device.
    const perDay = new Map<string, number>();
    for (const click of clicks) perDay.set(String(click.day), (perDay.get(String(click.day)) ?? 0) + 1);
    for (const [day, n] of perDay) {
      const shown = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" }).format(
        new Date(`${day}T00:00:00Z`),
      );
      expect(html).toContain(`<th scope="row">${shown}</th><td class="num">${n}</td><td class="num">0</td>`);
    }
    const devices = /<section aria-labelledby="by-device">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    expect(devices).toContain('<th scope="row">mobile</th><td class="num">2</td><td class="num">2</td>');
    // The last 7 days: the same clicks, and a chart of exactly 7 days.
    const week = (await browser.request(`${page}?days=7`)).text;
    expect(tile(week, "clicks")).toBe("2");
    expect(week).toContain('<strong aria-current="page">Last 7 days</strong>');
    const weekTable = /<details>([\s\S]*?)<\/details>/.exec(week)?.[1] ?? "";
    expect(weekTable.match(/<th scope="row">/g)).toHaveLength(7);
    // The CSV report downloads with the session, one row per influencer and a totals row.
    const csv = await browser.request(`${page}/report.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("Content-Disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^influencer_id,handle,currency,impressions,/);
    // The API's file: money in major units with the currency's digits (no orders: 0.00).
    const header = (lines[0] ?? "").split(",");
    const cells = (lines[1] ?? "").split(",");
    expect(cells.slice(0, 3)).toEqual([influencer.id, influencer.handle, "EUR"]);
    expect(cells[header.indexOf("revenue")]).toBe("0.00");
    expect(lines).toHaveLength(3);
    expect((await new PageClient().request(`${page}/report.csv`)).status).toBe(303);
    // Back only to the dashboard, never to another site.
    const away = await browser.post("/dashboard/rollup", { back: "https://evil.example/" }, page);
    expect(away.headers.get("Location")).toBe("/dashboard");
  });

  it("shows any range of local days typed into the period form, and downloads it as CSV", async () => {
    const browser = await admin();
    const campaign = (
      await api("POST", "/campaigns", {
        body: { name: "Ranges", objective: "sales", currency: "EUR", timezone: "Europe/Paris" },
      })
    ).body;
    const influencer = await createInfluencer({ followers: 1_000 });
    const code = await promoCode(campaign.id, influencer.id);
    // 23:30 UTC is 00:30 the next day in Paris (UTC+1 in March before the 29th).
    for (const at of ["2026-03-01T12:00:00Z", "2026-03-01T23:30:00Z", "2026-03-03T10:00:00Z"]) {
      await order(code, 1_000, at);
    }
    expect((await api("POST", "/rollup")).status).toBe(200);
    const page = `/dashboard/campaigns/${campaign.id}`;
    const range = (await browser.request(`${page}?sort=revenue&from=2026-03-02&to=2026-03-03`)).text;
    expect(tile(range, "conversions")).toBe("2");
    expect(tile(range, "follower_growth_rate")).toBeDefined();
    expect(range).toContain('<input type="date" name="from" value="2026-03-02"/>');
    expect(range).toContain('<input type="date" name="to" value="2026-03-03"/>');
    expect(range).toContain('<input type="hidden" name="sort" value="revenue"/>');
    expect(range).not.toContain('<strong aria-current="page">');
    const chartRows = (html: string) =>
      (/<details>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? "").match(/<th scope="row">/g)?.length;
    expect(chartRows(range)).toBe(2);
    // The ends the wrong way round are swapped; a day that does not exist is no range.
    expect(tile((await browser.request(`${page}?from=2026-03-03&to=2026-03-02`)).text, "conversions")).toBe(
      "2",
    );
    const invalid = (await browser.request(`${page}?from=2026-02-30&to=2026-03-01`)).text;
    expect(tile(invalid, "conversions")).toBe("1");
    const nonsense = (await browser.request(`${page}?from=yesterday&to=2026-13-01`)).text;
    expect(nonsense).toContain('<strong aria-current="page">All time</strong>');
    expect(tile(nonsense, "conversions")).toBe("3");
    // A range longer than a chart can hold: the figures of all of it, the chart of its last 366 days.
    const long = await browser.request(`${page}?from=2024-01-01&to=2026-03-03`);
    expect(long.status).toBe(200);
    expect(tile(long.text, "conversions")).toBe("3");
    expect(chartRows(long.text)).toBe(366);
    // The CSV of the range: the API's figures over the same days.
    const csv = (await browser.request(`${page}/report.csv?from=2026-03-02&to=2026-03-03`)).text;
    const [header, row] = csv
      .trim()
      .split(/\r?\n/)
      .map((line) => line.split(","));
    expect(row?.[header?.indexOf("conversions") ?? -1]).toBe("2");
    const api2 = await api("GET", `/campaigns/${campaign.id}/summary?from=2026-03-02&to=2026-03-03`);
    expect(api2.body.totals.conversions).toBe(2);
  });

  it("speaks French to a French browser, with French numbers, and switches with ?lang=", async () => {
    const browser = await admin();
    const campaign = await createCampaign({ name: "Lancement", budget: 123_456 });
    const page = `/dashboard/campaigns/${campaign.id}`;
    const fr = await browser.request(page, { headers: { "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5" } });
    expect(fr.text).toContain('<html lang="fr">');
    expect(fr.text).toContain("Classement des influenceurs");
    expect(tile(fr.text, "revenue")).toMatch(/^0,00\s€$/);
    const en = await browser.request(`${page}?lang=en`, { headers: { "Accept-Language": "fr-FR" } });
    expect(en.text).toContain('<html lang="en">');
    // The choice is remembered in a cookie.
    const again = await browser.request(page, { headers: { "Accept-Language": "fr-FR" } });
    expect(again.text).toContain('<html lang="en">');
  });
});
