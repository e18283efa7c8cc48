import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { errorMessage } from "../src/log";

describe("error messages for logs", () => {
  it("keep the database's reason for a failed query, never its values", () => {
    const failed = new DrizzleQueryError(
      'insert into "api_keys" ("id", "secret_hash") values (?, ?)',
      ["key_1", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
      new Error("D1_ERROR: UNIQUE constraint failed: api_keys.id"),
    );
    expect(errorMessage(failed)).toBe("query failed: D1_ERROR: UNIQUE constraint failed: api_keys.id");
    expect(errorMessage(new Error("plain"))).toBe("plain");
  });
});
