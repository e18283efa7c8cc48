import { integer } from "drizzle-orm/sqlite-core";

// Times are stored as integer milliseconds since the epoch (UTC): cheap to compare and index,
// turned into ISO-8601 only at the API edge.
export const timestampMs = () => integer({ mode: "timestamp_ms" });

export const createdAt = () => timestampMs().notNull();
export const updatedAt = () => timestampMs().notNull();
