import { SLUG_PATTERN } from "../../src/links/slug";

// The short-link redirect in the OpenAPI document. It is served before the API's router
// (workers/index.ts) and not under /api/v1, so it is written here rather than generated from a
// route, with an operation-level server of "/" that takes it out of the document's /api/v1.
const slug = {
  name: "slug",
  in: "path",
  required: true,
  schema: { type: "string", pattern: SLUG_PATTERN.source },
  description: "The link's slug, as in its short_url.",
} as const;

const responses = {
  302: {
    description:
      "To the link's destination_url plus the visitor's own query parameters (the link's win) plus " +
      "sl_cid=<click id>; an expired link with an expired_url goes there instead, without a click.",
    headers: {
      Location: { schema: { type: "string", format: "uri" } },
      "Cache-Control": { schema: { type: "string", enum: ["no-store"] } },
    },
  },
  404: { description: "No such link (an HTML page)." },
  410: { description: "The link is disabled, or expired without an expired_url (an HTML page)." },
  503: { description: "The link could not be read (an HTML page); nothing was counted." },
} as const;

const operation = (summary: string, description: string) => ({
  tags: ["Short links"],
  summary,
  description,
  servers: [{ url: "/" }],
  parameters: [slug],
  responses,
});

export const SHORT_LINK_PATHS = {
  "/{slug}": {
    get: operation(
      "Follow a short link",
      "Answers at once and logs the click after the response: time, link, campaign, influencer, " +
        "geography, device, browser, OS, referrer host, bot flag and a visitor hash; never the IP.",
    ),
    head: operation(
      "Check a short link",
      "The same answer without a click id in Location; counted as a bot click.",
    ),
  },
};
