import { inArray } from "drizzle-orm";
import { links } from "../../schema";
import type { Db } from "../db";
import { DomainError } from "../errors";
import { captureClick } from "./capture-click";
import type { CapturedClick } from "./click-event";
import { newClickId } from "./click-id";

// A click from the past, as the demo seed describes it: what the redirect would have read from
// the request, at the time it names. `visitor` stands in for the IP: it is hashed with the user
// agent and the day's salt exactly like an IP, and kept nowhere.
export type PastClick = {
  linkId: string;
  clickedAt: Date;
  userAgent: string;
  referer: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  visitor: string;
};

// The most clicks one import takes: their link ids are bound in one query, and D1 allows 100
// bound parameters.
export const MAX_IMPORTED_CLICKS = 100;

// Turns past clicks into the same captured clicks the redirect queues, so the queue consumer
// validates, parses, flags bots and counts them like any other click. Their ids carry their own
// time, so a sale can be attributed to them inside the campaign's window.
export async function capturePastClicks(
  db: Db,
  clicks: PastClick[],
  visitorSecret: string,
  signingSecret: string,
  now: number,
): Promise<CapturedClick[]> {
  const future = clicks.findIndex((click) => click.clickedAt.getTime() > now);
  if (future >= 0) {
    throw new DomainError("validation_failed", "A click cannot be in the future.", [
      { path: `clicks.${future}.clicked_at`, message: "After now." },
    ]);
  }
  // At most MAX_IMPORTED_CLICKS (100) ids: within D1's 100 bound parameters.
  const ids = [...new Set(clicks.map((click) => click.linkId))];
  const found = await db
    .select({ id: links.id, campaignId: links.campaignId, influencerId: links.influencerId })
    .from(links)
    .where(inArray(links.id, ids));
  const byId = new Map(found.map((link) => [link.id, link]));
  return clicks.map((click, index) => {
    const link = byId.get(click.linkId);
    if (!link) {
      throw new DomainError("link_not_found", `No link with id ${click.linkId}.`, [
        { path: `clicks.${index}.link_id`, message: "Unknown link." },
      ]);
    }
    const at = click.clickedAt.getTime();
    return captureClick(
      link,
      {
        clickId: newClickId(signingSecret, link.id, at),
        at,
        head: false,
        ip: click.visitor,
        userAgent: click.userAgent,
        referer: click.referer,
        country: click.country,
        region: click.region,
        city: click.city,
      },
      visitorSecret,
    );
  });
}
