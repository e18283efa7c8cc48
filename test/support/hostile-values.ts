import fc from "fast-check";
import type { SchemaObject } from "./openapi-routes";

// Request bodies are built as JSON text by hand, so that they can hold what JSON.stringify never
// writes: duplicated keys and raw number tokens such as 1e400.
export class Raw {
  constructor(readonly text: string) {}
}
export class Entries {
  constructor(readonly entries: [string, Value][]) {}
}
export type Value = Raw | Entries | unknown;

export function encode(value: Value): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries)
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v)}`).join(",")}}`;
  if (Array.isArray(value)) return `[${value.map(encode).join(",")}]`;
  return JSON.stringify(value) ?? "null";
}

const SQL_LOOKING = [
  "'; DROP TABLE clicks; --",
  "1 OR 1=1",
  '" OR ""="',
  "Robert'); DELETE FROM conversions; --",
  "%' UNION SELECT secret_hash FROM api_keys --",
  "?1",
  "$1",
];

const ODD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\u0007\u001b[31mred",
  "\r\n\t",
  "\uD800",
  "\uDFFF",
  "a\uD83D",
  "💥🚀",
  "\u202Eevil",
  "İı",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "javascript:alert(1)",
  "data:text/html,x",
  "https://",
  "http://[::1]/",
  "//evil.example",
  "eur",
  "XXX",
  "2026-13-45T99:99:99Z",
  "9999-12-31T23:59:59Z",
  "0000-01-01T00:00:00Z",
  "2026-11-20",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "null",
  "__proto__",
  "constructor",
];

const ODD_NUMBERS = [
  0,
  -0,
  -1,
  1.5,
  0.1,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  5e-324,
];

// Number and string tokens JSON allows but JavaScript cannot round-trip: overflow to Infinity,
// precision loss, lone surrogates and NUL inside strings.
const RAW_TOKENS = [
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "1.0e-400",
  "-0.0",
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\u0000"',
  '"a\\\\"',
];

export const LONG_STRINGS = [10_000, 100 * 1024];

export const hostileValue: fc.Arbitrary<Value> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<unknown>(...ODD_STRINGS, ...SQL_LOOKING, ...ODD_NUMBERS, null, true, false),
  },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_TOKENS).map((t) => new Raw(t)) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(...LONG_STRINGS).map((n) => "x".repeat(n)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    '{"a":',
    "[1,2",
    "{'a':1}",
    '{"a":1,}',
    "nul",
    "\u0000",
    '{"a" 1}',
    "\uFEFF{}",
    "{}{}",
    '{"a":1}x',
    "NaN",
  ),
  fc.string({ unit: "binary", maxLength: 60 }),
);

// Values a client would plausibly send for a field: real ids where the field names one, so that
// requests get past validation into the domain code.
export type Fixtures = Record<string, fc.Arbitrary<Value>>;

function plausibleString(name: string, schema: SchemaObject, fixtures: Fixtures): fc.Arbitrary<Value> {
  const known = fixtures[name];
  if (known) return known;
  if (schema.format === "date-time")
    return fc
      .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.pattern) {
    try {
      const max = schema.maxLength ?? 64;
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= max);
    } catch {
      // A pattern fast-check cannot generate from: plain words below.
    }
  }
  const min = schema.minLength ?? 1;
  return fc.string({ unit: "grapheme-ascii", minLength: min, maxLength: Math.max(min, 12) });
}

export function plausibleValue(
  name: string,
  raw: SchemaObject,
  fixtures: Fixtures,
  depth = 0,
): fc.Arbitrary<Value> {
  const schema = raw;
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((o) => plausibleValue(name, o, fixtures, depth)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "integer":
    case "number": {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? 100_000, min + 100_000);
      return type === "integer" ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true });
    }
    case "boolean":
      return fc.boolean();
    case "array":
      return depth > 3
        ? fc.constant([])
        : fc.array(plausibleValue(name, schema.items ?? {}, fixtures, depth + 1), { maxLength: 3 });
    case "object":
      return depth > 3 ? fc.constant({}) : hostileObject(schema, fixtures, depth + 1);
    case "null":
      return fc.constant(null);
    default:
      return plausibleString(name, schema, fixtures);
  }
}

type Field = [string, Value];
type Mutation =
  | { kind: "replace" | "duplicate"; index: number; value: Value }
  | { kind: "drop"; index: number }
  | { kind: "extra"; name: string; value: Value };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("replace" as const), index: fc.nat(), value: hostileValue }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const), index: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("duplicate" as const), index: fc.nat(), value: hostileValue }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("extra" as const),
      name: fc.constantFrom("extra", "__proto__", "constructor", "id", "created_at", "scope"),
      value: hostileValue,
    }),
  },
);

function mutate(fields: Field[], names: string[], m: Mutation): Field[] {
  if (m.kind === "extra") return [...fields, [m.name, m.value]];
  const name = names[m.index % Math.max(1, names.length)];
  if (name === undefined) return fields;
  const others = fields.filter(([n]) => n !== name);
  if (m.kind === "drop") return others;
  if (m.kind === "replace") return [...others, [name, m.value]];
  // The same key twice: JSON.parse keeps the last, a careless parser the first.
  return [...fields.filter(([n]) => n === name), [name, m.value], ...others];
}

// An object shaped by its schema: a plausible one (required fields present, optional ones
// sometimes), then up to two mutations: a field made hostile, dropped, given twice, or a field
// the schema does not know. A third of them stay plausible and reach the domain code.
export function hostileObject(schema: SchemaObject, fixtures: Fixtures, depth = 0): fc.Arbitrary<Entries> {
  const required = new Set(schema.required ?? []);
  const properties = Object.entries(schema.properties ?? {});
  const fields = properties.map(([name, field]) => {
    const plausible = plausibleValue(name, field, fixtures, depth).map((v): Field[] => [[name, v]]);
    return required.has(name) ? plausible : fc.oneof(plausible, fc.constant<Field[]>([]));
  });
  const names = properties.map(([name]) => name);
  return fc
    .tuple(fc.tuple(...fields), fc.array(mutation, { maxLength: depth > 0 ? 1 : 2 }))
    .map(([parts, mutations]) => new Entries(mutations.reduce((f, m) => mutate(f, names, m), parts.flat())));
}

// A body for an endpoint: mostly its own shape with hostile parts, else the wrong type entirely or
// not JSON at all (also cut short mid-way).
export function hostileBody(schema: SchemaObject | undefined, fixtures: Fixtures): fc.Arbitrary<string> {
  const shaped = schema ? hostileObject(schema, fixtures).map(encode) : hostileValue.map(encode);
  return fc.oneof(
    { weight: 8, arbitrary: shaped },
    { weight: 1, arbitrary: hostileValue.map(encode) },
    { weight: 1, arbitrary: malformedJson },
    { weight: 1, arbitrary: shaped.chain((text) => fc.nat(text.length).map((n) => text.slice(0, n))) },
  );
}

// For path segments and query values: strings only, some not even valid percent-encoding.
export const hostileText: fc.Arbitrary<{ text: string; raw: boolean }> = fc.oneof(
  {
    weight: 3,
    arbitrary: hostileValue.map((v) => ({ text: typeof v === "string" ? v : encode(v), raw: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("%", "%zz", "%00", "..%2f..", "a%2Fb", "%ff%fe", "+")
      .map((text) => ({ text, raw: true })),
  },
);

// The query parameters the pages read (the API's are in its OpenAPI document), each with the
// values the pages' own links give it. A page that starts reading another belongs here.
export const PAGE_QUERY_PARAMS = {
  cursor: (fixtures: Fixtures) => fixtures.cursor as fc.Arbitrary<string>,
  sort: () => fc.constantFrom("revenue", "clicks", "roi", "conversion_rate"),
  days: () => fc.constantFrom("7", "30", "90"),
  lang: () => fc.constantFrom("en", "fr"),
  // What an import says it did, on the campaign page it sends back to.
  imported: () => fc.constantFrom("3-0", "0-3"),
  // The dashboard's lists: a search, the archived view, and the campaign page's own per list.
  q: () => fc.constantFrom("lea", "@ana", "%_", "ANA"),
  archived: () => fc.constantFrom("1", ""),
  links_q: () => fc.constantFrom("spring", "@ana"),
  links_cursor: (fixtures: Fixtures) => fixtures.cursor as fc.Arbitrary<string>,
  codes_archived: () => fc.constantFrom("1", ""),
  enrolments_q: () => fc.constantFrom("ana", "_"),
  campaign_id: (fixtures: Fixtures) => fixtures.campaign_id as fc.Arbitrary<string>,
};

export function uriPart(part: { text: string; raw: boolean }): string {
  return part.raw ? part.text : encodeURIComponent(part.text.replace(/\p{Cs}/gu, "\uFFFD"));
}

// Header values must be printable ASCII or fetch() itself refuses them.
export const hostileHeader: fc.Arbitrary<string> = hostileValue
  .map((v) => (typeof v === "string" ? v : encode(v)))
  .map((s) =>
    s
      .replace(/[^\x20-\x7e]/g, "")
      .slice(0, 4000)
      .trim(),
  );
