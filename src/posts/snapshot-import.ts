import { DEFAULT_TIME_ZONE, localDay } from "../campaigns/time-zones";
import { sha256Hex } from "../crypto";
import type { Db } from "../db";
import { parseHttpUrl } from "../links/urls";
import { type Clock, isCalendarDay } from "../time";
import { METRIC_COUNTERS, type MetricCounter, reportsAFigure } from "./metric-counters";
import { carryLevels, dateSnapshot } from "./post-growth";

// Post snapshots from a spreadsheet (influencers send figures as files, not through an API). The
// whole file is checked before anything is written, and written in one statement: a file with a
// bad line stores nothing. A snapshot's id is a hash of what it says (post, time, figures), so the
// same file sent twice adds nothing the second time.

export const MAX_IMPORT_ROWS = 2000;
// Rows inserted by one statement of an import: dating a row may walk past the rest of its chunk.
const IMPORT_CHUNK = 20;
export const POST_COLUMNS = ["post_url", "post_id"] as const;
export const IMPORT_COLUMNS = [...POST_COLUMNS, "captured_at", ...METRIC_COUNTERS] as const;
type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export type ImportProblemCode =
  | "empty"
  | "too_many"
  | "unclosed_quote"
  | "unknown_column"
  | "duplicate_column"
  | "no_post_column"
  | "no_time_column"
  | "field_count"
  | "missing_post"
  | "unknown_post"
  | "ambiguous_post"
  | "time"
  | "number"
  | "no_figures"
  | "conflict";
// `line` is the file's line (1 is the header), 0 for the file as a whole.
export type ImportProblem = {
  line: number;
  problem: ImportProblemCode;
  column?: string;
  n?: number;
  expected?: number;
  other?: number;
};

// A line of the file as text, by column; captured_at already in ISO form where it was a plain date.
export type SnapshotLine = { line: number; values: Partial<Record<ImportColumn, string>> };

type CsvRecord = { line: number; fields: string[] };

// RFC 4180, with the separator a spreadsheet chose (a French one writes semicolons): quoted fields
// may hold separators, doubled quotes and line breaks. Records keep the line they start on.
function parseCsv(text: string, separator: string): CsvRecord[] | ImportProblem {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
      touched = true;
    } else if (ch === separator) {
      fields.push(field);
      field = "";
      touched = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      fields.push(field);
      if (touched || fields.some((f) => f.trim() !== "")) records.push({ line: start, fields });
      fields = [];
      field = "";
      touched = false;
      line++;
      start = line;
    } else {
      field += ch;
      touched = true;
    }
  }
  if (quoted) return { line: start, problem: "unclosed_quote" };
  fields.push(field);
  if (touched || fields.some((f) => f.trim() !== "")) records.push({ line: start, fields });
  return records;
}

// "2026-03-01" is midnight UTC; "2026-03-01 18:00" (a space or a T, no zone) is UTC; anything else
// is passed on as written for the API's date-time check.
function isoTime(value: string): string {
  if (isCalendarDay(value)) return `${value}T00:00:00Z`;
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.exec(value);
  if (local) return `${local[1]}T${local[2]}${local[3] ? "" : ":00"}Z`;
  return value;
}

// The file's lines by column, and what is wrong with its shape. The header decides how every line
// is read, so a file whose header is wrong (or that cannot be read at all) has its problems and no
// lines; otherwise every line with the header's number of fields, and a problem for each other.
export function readSnapshotCsv(text: string): { lines: SnapshotLine[]; problems: ImportProblem[] } {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const separator = firstLine.includes(";") && !firstLine.includes(",") ? ";" : ",";
  const parsed = parseCsv(body, separator);
  const refused = (...problems: ImportProblem[]) => ({ lines: [], problems });
  if (!Array.isArray(parsed)) return refused(parsed);
  const [header, ...rows] = parsed;
  if (!header) return refused({ line: 0, problem: "empty" });
  if (rows.length > MAX_IMPORT_ROWS) return refused({ line: 0, problem: "too_many", n: MAX_IMPORT_ROWS });
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const problems: ImportProblem[] = [];
  columns.forEach((column, i) => {
    if (!(IMPORT_COLUMNS as readonly string[]).includes(column)) {
      problems.push({ line: header.line, problem: "unknown_column", column });
    } else if (columns.indexOf(column) !== i) {
      problems.push({ line: header.line, problem: "duplicate_column", column });
    }
  });
  if (!columns.some((c) => (POST_COLUMNS as readonly string[]).includes(c))) {
    problems.push({ line: header.line, problem: "no_post_column" });
  }
  if (!columns.includes("captured_at")) problems.push({ line: header.line, problem: "no_time_column" });
  if (problems.length > 0) return refused(...problems);
  const lines: SnapshotLine[] = [];
  for (const row of rows) {
    if (row.fields.length !== columns.length) {
      problems.push({
        line: row.line,
        problem: "field_count",
        n: row.fields.length,
        expected: columns.length,
      });
      continue;
    }
    const values: SnapshotLine["values"] = {};
    columns.forEach((column, i) => {
      const value = (row.fields[i] ?? "").trim();
      if (value !== "") values[column as ImportColumn] = column === "captured_at" ? isoTime(value) : value;
    });
    lines.push({ line: row.line, values });
  }
  return { lines, problems };
}

// A line of the file: its post as given, and its figures once they passed the API's checks (null
// when they did not: its post is still looked up, so that one import lists every problem).
export type SnapshotRow = {
  line: number;
  postUrl?: string | undefined;
  postId?: string | undefined;
  figures: { capturedAt: Date; counters: Partial<Record<MetricCounter, number>> } | null;
};

// Every line of a file, and the problems already found in it (its shape, its figures).
export type CheckedFile = { rows: SnapshotRow[]; problems: ImportProblem[] };

export type ImportResult =
  | { outcome: "imported"; added: number; unchanged: number }
  | { outcome: "refused"; problems: ImportProblem[] };

function normalisedUrl(value: string): string | null {
  try {
    return parseHttpUrl(value, "post_url");
  } catch {
    return null;
  }
}

// Problems as the file reads: by line, then a line's from left to right (a problem of the whole
// line first).
const columnOrder = (problem: ImportProblem) =>
  (IMPORT_COLUMNS as readonly string[]).indexOf(problem.column ?? "");
const inFileOrder = (a: ImportProblem, b: ImportProblem) =>
  a.line - b.line || columnOrder(a) - columnOrder(b);

// Finds each line's post among the campaign's, then writes every snapshot, or none when any line
// has a problem: the file's own and those found here, all of them, by line.
export async function importSnapshots(
  db: Db,
  campaignId: string,
  file: CheckedFile,
  clock: Clock,
): Promise<ImportResult> {
  const d1 = db.$client;
  const { results: posts } = await d1
    .prepare("SELECT id, url FROM posts WHERE campaign_id = ?")
    .bind(campaignId)
    .all<{ id: string; url: string }>();
  const ids = new Set(posts.map((p) => p.id));
  const byUrl = new Map<string, string[]>();
  for (const post of posts) byUrl.set(post.url, [...(byUrl.get(post.url) ?? []), post.id]);

  const problems = [...file.problems];
  const snapshots = new Map<
    string,
    { line: number; id: string; postId: string; capturedAt: Date; counters: (number | null)[] }
  >();
  for (const row of file.rows) {
    let postId: string | undefined;
    if (row.postId !== undefined) {
      postId = ids.has(row.postId) ? row.postId : undefined;
      if (!postId) problems.push({ line: row.line, problem: "unknown_post", column: "post_id" });
    } else if (row.postUrl !== undefined) {
      const url = normalisedUrl(row.postUrl);
      const found = url ? (byUrl.get(url) ?? []) : [];
      if (found.length === 1) postId = found[0];
      else
        problems.push({
          line: row.line,
          problem: found.length > 1 ? "ambiguous_post" : "unknown_post",
          column: "post_url",
        });
    } else {
      problems.push({ line: row.line, problem: "missing_post" });
    }
    if (!row.figures) continue;
    // Empty cells are figures not reported; a line reporting none would say nothing.
    if (!reportsAFigure(row.figures.counters)) {
      problems.push({ line: row.line, problem: "no_figures" });
      continue;
    }
    if (!postId) continue;
    const { capturedAt, counters: given } = row.figures;
    const counters = METRIC_COUNTERS.map((name) => given[name] ?? null);
    const id = `pms_${sha256Hex(JSON.stringify([postId, capturedAt.getTime(), counters])).slice(0, 24)}`;
    // Two lines for one post at one instant: the same figures are one snapshot; other figures
    // leave no way to tell which one counts.
    const key = `${postId} ${capturedAt.getTime()}`;
    const seen = snapshots.get(key);
    if (seen && seen.id !== id) problems.push({ line: row.line, problem: "conflict", other: seen.line });
    if (!seen) snapshots.set(key, { line: row.line, id, postId, capturedAt, counters });
  }
  if (problems.length > 0) return { outcome: "refused", problems: problems.sort(inFileOrder) };
  if (snapshots.size === 0) return { outcome: "imported", added: 0, unchanged: 0 };

  const now = clock();
  const payload = [...snapshots.values()].map(({ id, postId, capturedAt, counters }) => ({
    id,
    post_id: postId,
    captured_at: capturedAt.getTime(),
    ...Object.fromEntries(METRIC_COUNTERS.map((name, i) => [name, counters[i]])),
  }));
  // One batch (a transaction) for the whole file, so it is all written or none of it. The rows go
  // in time order, a chunk at a time as one JSON parameter (D1 allows 100 bound parameters per
  // statement), each dated on the campaign's local day with its growth right after its chunk (a
  // snapshot already there is left as it was); then the levels are carried, once per post from its
  // earliest snapshot in the file. Dating a row looks ahead for the next dated snapshot reporting
  // each of its figures, walking past the undated ones: rows not inserted yet are not in its way,
  // so the whole file inserted first would make an import's work grow with the square of its rows.
  const columns = ["post_id", "captured_at", ...METRIC_COUNTERS];
  const zone = await d1
    .prepare("SELECT timezone FROM campaigns WHERE id = ?")
    .bind(campaignId)
    .first<{ timezone: string }>();
  const insert = d1.prepare(
    `INSERT INTO post_metrics (id, ${columns.join(", ")}, created_at)
     SELECT json_extract(value, '$.id'), ${columns.map((c) => `json_extract(value, '$.${c}')`).join(", ")}, ?2
     FROM json_each(?1) WHERE true
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
  );
  const inTimeOrder = payload.toSorted((a, b) => a.captured_at - b.captured_at || (a.id < b.id ? -1 : 1));
  const statements: D1PreparedStatement[] = [];
  const inserts: number[] = [];
  for (let i = 0; i < inTimeOrder.length; i += IMPORT_CHUNK) {
    const chunk = inTimeOrder.slice(i, i + IMPORT_CHUNK);
    inserts.push(statements.push(insert.bind(JSON.stringify(chunk), now)) - 1);
    for (const { id, captured_at } of chunk) {
      statements.push(...dateSnapshot(d1, id, localDay(captured_at, zone?.timezone ?? DEFAULT_TIME_ZONE)));
    }
  }
  statements.push(
    carryLevels(
      d1,
      payload.map((row) => row.id),
    ),
  );
  const written = await d1.batch<{ id: string }>(statements);
  const results = inserts.flatMap((at) => written[at]?.results ?? []);
  return { outcome: "imported", added: results.length, unchanged: payload.length - results.length };
}
