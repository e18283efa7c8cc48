import type { RedirectLink } from "../../src/links/link-cache";

// A short link as the redirect holds it, for the tests of what it is cached and captured with.
export const link: RedirectLink = {
  id: "lnk_1",
  campaignId: "cmp_1",
  influencerId: "inf_1",
  destinationUrl: "https://shop.example/",
  destinationQueryKeys: [],
  expiresAt: null,
  expiredUrl: null,
  disabled: false,
};
