import type { Utm } from "../../schema";

export type UtmOverrides = Partial<Record<keyof Utm, string | undefined>>;

// "Summer Sale 2026!" -> "summer-sale-2026": how the campaign name appears in utm_campaign.
// Latin accents are dropped ("Été" -> "ete"); letters of other scripts are kept ("夏のセール" stays
// itself, percent-encoded in the URL), so a name in them does not slugify to nothing.
export function slugify(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      // Recomposed, so that the marks of other scripts (the kana's voicing) stay on their letters.
      .normalize("NFC")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
  );
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
