// A number written as decimal text ("34.20", "-0.05"): its digits exactly as given, which a number
// would lose ("34.2"), and never taken for a formula as text starting with "-" would be.
export type Decimal = { decimal: string };
export type CsvCell = string | number | Decimal | null;
export const decimal = (text: string): Decimal => ({ decimal: text });

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): text
// cells that do get a leading apostrophe, which spreadsheets show as text. Numbers are left as
// they are: a negative number is not a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF line ends.
function cell(value: CsvCell): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  if (typeof value === "object") return value.decimal;
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: CsvCell[][]): string {
  return rows.map((row) => `${row.map(cell).join(",")}\r\n`).join("");
}
