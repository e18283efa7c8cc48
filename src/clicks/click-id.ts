import { randomAlphanumeric } from "../ids";

// A click id says which link was clicked and when: `clk_` + the time (9 base-36 digits, so ids
// sort by time) + the link id's 16 characters + 6 random ones. A checkout can then attribute a
// sale to a click that is still on its way through the queue, before its row exists in D1.
// The id is not signed: making one up gains nothing that clicking the link would not give.
const CLICK_ID = /^clk_([0-9a-z]{9})([0-9A-Za-z]{16})[0-9A-Za-z]{6}$/;

export function newClickId(linkId: string, at: number): string {
  return `clk_${at.toString(36).padStart(9, "0")}${linkId.slice("lnk_".length)}${randomAlphanumeric(6)}`;
}

export function parseClickId(clickId: string): { linkId: string; clickedAt: number } | null {
  const match = CLICK_ID.exec(clickId);
  if (!match) return null;
  const [, time, link] = match as unknown as [string, string, string];
  return { linkId: `lnk_${link}`, clickedAt: Number.parseInt(time, 36) };
}
