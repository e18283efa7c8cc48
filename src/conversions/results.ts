import type { ErrorCode } from "../errors";

// What became of a write that records something once: recorded by this call, already standing
// (the same request again, or a record that answers it), or refused with the contract's code. A
// refusal is an answer, not an exception: callers decide what it means (the API answers it as an
// error; a shop's webhook tries the order's next code, or reports the code as the outcome).
export type Refused = { outcome: "refused"; code: ErrorCode; message: string };
export type RecordResult<T> = { outcome: "recorded" | "already_recorded"; record: T } | Refused;

export const refused = (code: ErrorCode, message: string): Refused => ({ outcome: "refused", code, message });
