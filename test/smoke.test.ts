import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("serves the openapi document", async () => {
  const res = await exports.default.fetch("https://sl.test/api/v1/openapi.json");
  expect(res.status).toBe(200);
});
