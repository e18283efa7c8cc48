import { listEnrolments } from "../../src/campaigns/enrolments";
import { listPromoCodes } from "../../src/codes/promo-codes";
import type { Db } from "../../src/db";
import { findInfluencersById } from "../../src/influencers/influencers";
import { listLinks } from "../../src/links/links";
import { mapPage } from "../../src/pagination";
import { serializePromoCode } from "../schemas/codes";
import { serializeEnrolment } from "../schemas/enrolments";
import { serializeLink } from "../schemas/links";
import type { EnrolmentItem } from "./campaign-manage";
import { filterOf, type ListView, listView } from "./list-controls";

// A page of each list (links carry a QR code each, so fewer of them).
const LINKS_PAGE = 25;
const LIST_PAGE = 50;

export type CampaignLists = Awaited<ReturnType<typeof loadCampaignLists>>;

// The campaign page's lists, each searched and paged on its own (links_q, codes_cursor…), with
// the handle of each item's influencer.
export async function loadCampaignLists(
  db: Db,
  campaignId: string,
  query: (name: string) => string | undefined,
  shortLinkBase: string,
) {
  const views = {
    links: listView(query, "links_"),
    codes: listView(query, "codes_"),
    enrolments: listView(query, "enrolments_"),
  };
  const page = (view: ListView, limit: number) => ({ limit, cursor: view.cursor });
  const owner = { campaignId, influencerId: undefined };
  const [links, codes, enrolments] = await Promise.all([
    listLinks(db, page(views.links, LINKS_PAGE), { ...owner, ...filterOf(views.links) }),
    listPromoCodes(db, page(views.codes, LIST_PAGE), { ...owner, ...filterOf(views.codes) }),
    listEnrolments(db, campaignId, page(views.enrolments, LIST_PAGE), filterOf(views.enrolments)),
  ]);
  const owners = await findInfluencersById(
    db,
    [links.data, codes.data, enrolments.data].flatMap((rows) => rows.map((row) => row.influencerId)),
  );
  const handles = new Map(owners.map((i) => [i.id, i]));
  const handle = (id: string) => handles.get(id)?.handle;
  return {
    views,
    links: mapPage(links, (row) => ({
      ...serializeLink(row, shortLinkBase),
      handle: handle(row.influencerId),
    })),
    codes: mapPage(codes, (row) => ({ ...serializePromoCode(row), handle: handle(row.influencerId) })),
    enrolments: mapPage(
      enrolments,
      (row): EnrolmentItem => ({
        ...serializeEnrolment(row),
        handle: handle(row.influencerId) ?? row.influencerId,
        platform: handles.get(row.influencerId)?.platform ?? "",
      }),
    ),
  };
}
