import type { Utm } from "../../schema";

export type UtmOverrides = Partial<Record<keyof Utm, string | undefined>>;

// "Summer Sale 2026!" -> "summer-sale-2026": how the campaign name appears in utm_campaign.
export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export function resolveUtm(
  defaults: { platform: string; campaignName: string; handle: string },
  overrides: UtmOverrides = {},
): Utm {
  const utm: Utm = {
    source: overrides.source ?? defaults.platform,
    medium: overrides.medium ?? "influencer",
    campaign: overrides.campaign ?? slugify(defaults.campaignName),
    content: overrides.content ?? defaults.handle,
  };
  if (overrides.term !== undefined) utm.term = overrides.term;
  return utm;
}

// `url` with the UTM parameters set; query parameters already in `url` are kept, except that
// a utm_* already there is replaced by the link's own.
export function applyUtm(url: string, utm: Utm): string {
  const target = new URL(url);
  for (const [field, value] of Object.entries(utm)) {
    if (value !== undefined && value !== "") target.searchParams.set(`utm_${field}`, value);
  }
  return target.toString();
}
