import { BREAKDOWN_DIMENSIONS, UNKNOWN_VALUE } from "../../schema";

// Breakdowns: each event counts once under each dimension, so it is joined with the list of
// dimension names and its value picked per name (NULL, a field the click lacks, is UNKNOWN_VALUE;
// so is an empty one, which would otherwise be NO_CLICK_VALUE). A visitor session keeps its
// click's values in columns of the same names (schema/behaviour.ts), so the same picks read both.
const CLICK_COLUMN = {
  country: "country",
  device: "device",
  browser: "browser",
  os: "os",
  referer: "referer_host",
} as const;

export const DIMENSIONS = `(${BREAKDOWN_DIMENSIONS.map((d) => `SELECT '${d}' AS dimension`).join(" UNION ALL ")}) d`;

export const dimensionValue = (row: string) =>
  `COALESCE(NULLIF(CASE d.dimension ${BREAKDOWN_DIMENSIONS.map((d) => `WHEN '${d}' THEN ${row}.${CLICK_COLUMN[d]}`).join(" ")} END, ''), '${UNKNOWN_VALUE}')`;

// Each column as its breakdown value (`${prefix}country`, …), for copying a click's onto its session.
export const CLICK_COLUMNS = Object.values(CLICK_COLUMN);
