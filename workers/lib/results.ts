import type { RecordResult } from "../../src/conversions/results";
import { DomainError } from "../../src/errors";

// A record as the API answers it: 201 when this request recorded it, 200 when it stood already
// (a replay, or a record that answers the request); a refusal is the contract's error.
export function recordAnswer<T>(result: RecordResult<T>): { record: T; status: 201 | 200 } {
  if (result.outcome === "refused") throw new DomainError(result.code, result.message);
  return { record: result.record, status: result.outcome === "recorded" ? 201 : 200 };
}
