import { describe, expect, it } from "vitest";
import { ADMIN, createCampaign, createCode, createLink } from "../support/helpers";
import { PageClient } from "../support/page-client";

// An end before the start is refused on the dashboard with what is wrong, on the end's field, in
// the page's language (it read "Not valid.").

const fieldError = (html: string, id: string) => new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(html)?.[1];

async function admin() {
  const browser = new PageClient();
  await browser.signIn(ADMIN);
  return browser;
}

describe("an end before the start on the dashboard", () => {
  it("says the end is before the start when editing or creating a campaign, in English and French", async () => {
    const browser = await admin();
    const campaign = await createCampaign({ starts_at: "2026-11-10", ends_at: "2026-11-30" });
    const edit = `/dashboard/campaigns/${campaign.id}/edit`;
    const form = { name: campaign.name, objective: "sales", attribution_window_days: "30" };
    const dates = { starts_at: "2026-11-10", ends_at: "2026-11-01" };
    const en = await browser.post(`${edit}?lang=en`, { ...form, ...dates }, edit);
    expect(en.status).toBe(422);
    expect(fieldError(en.text, "campaign-edit-ends_at")).toBe("The end is before the start.");
    const fr = await browser.post(`${edit}?lang=fr`, { ...form, ...dates }, edit);
    expect(fieldError(fr.text, "campaign-edit-ends_at")).toBe("La fin est avant le début.");
    // The new campaign form says the same.
    const created = await browser.post(
      "/dashboard/campaigns?lang=en",
      { name: "Backwards", objective: "sales", currency: "EUR", ...dates },
      "/dashboard",
    );
    expect(created.status).toBe(422);
    expect(fieldError(created.text, "campaign-ends_at")).toBe("The end is before the start.");
  });

  it("says so for a promo code's dates too", async () => {
    const browser = await admin();
    const link = await createLink();
    const code = await createCode({ campaign_id: link.campaign_id, influencer_id: link.influencer_id });
    const edit = `/dashboard/codes/${code.id}/edit`;
    const refused = await browser.post(
      `${edit}?lang=fr`,
      { starts_at: "2026-11-10", ends_at: "2026-11-01" },
      edit,
    );
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, "code-edit-ends_at")).toBe("La fin est avant le début.");
  });
});
