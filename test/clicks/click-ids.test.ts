import { describe, expect, it } from "vitest";
import { newClickId, verifyClickId } from "../../src/clicks/click-id";

describe("click ids", () => {
  const at = Date.UTC(2026, 11, 6, 12);

  it("say their link and time when signed with the same secret, and nothing otherwise", () => {
    const id = newClickId("secret", "lnk_0123456789ABCDEF", at);
    expect(id).toMatch(/^clk_[0-9a-z]{9}0123456789ABCDEF[0-9A-Za-z]{6}[0-9a-f]{16}$/);
    expect(verifyClickId("secret", id)).toEqual({ linkId: "lnk_0123456789ABCDEF", clickedAt: at });
    expect(verifyClickId("another secret", id)).toBeNull();
    // The unsigned format of before, and ids that are no click id at all.
    for (const other of [id.slice(0, -16), `${id}0`, "", "clk_", id.toUpperCase()]) {
      expect(verifyClickId("secret", other)).toBeNull();
    }
  });

  it("are refused after any one character is changed", () => {
    const id = newClickId("secret", "lnk_0123456789ABCDEF", at);
    const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (let i = "clk_".length; i < id.length; i++) {
      for (const c of alphabet) {
        if (c === id[i]) continue;
        expect(verifyClickId("secret", id.slice(0, i) + c + id.slice(i + 1))).toBeNull();
      }
    }
  });
});
