import { describe, expect, it } from "vitest";
import { formatter } from "../../workers/pages/format";

// The pages write a share that is not zero with enough digits to show it: one decimal from 1 %
// up, two significant digits below (a CTR of 0.0002 is 0.02 %, never 0 %).

const spaced = (text: string) => text.replace(/\s/g, " ");

describe("the pages' shares and averages", () => {
  it("keeps a small share visible, in English and French", () => {
    const cases: [number, string, string][] = [
      [0.0002, "0.02%", "0,02 %"],
      [0.0015, "0.15%", "0,15 %"],
      [0.001234, "0.12%", "0,12 %"],
      [0.000004, "0.0004%", "0,0004 %"],
      [-0.0002, "-0.02%", "-0,02 %"],
      [0, "0%", "0 %"],
      [0.01, "1%", "1 %"],
      [0.05, "5%", "5 %"],
      [0.123, "12.3%", "12,3 %"],
      [0.66666, "66.7%", "66,7 %"],
    ];
    const en = formatter("en");
    const fr = formatter("fr");
    for (const [value, english, french] of cases) {
      expect(en.percent(value), String(value)).toBe(english);
      expect(spaced(fr.percent(value)), String(value)).toBe(french);
    }
    // A metric shown as a percentage goes through the same formatter.
    expect(en.metric("ctr", 0.0002, "EUR")).toBe("0.02%");
    expect(spaced(fr.metric("conversion_rate", 0.0015, "EUR"))).toBe("0,15 %");
  });

  it("writes averages with their decimals, and engaged seconds whole past ten", () => {
    const en = formatter("en");
    expect(en.metric("pages_per_session", 1.96, "EUR")).toBe("1.96");
    expect(en.metric("avg_engaged_seconds", 62.36, "EUR")).toBe("62");
    expect(en.metric("avg_engaged_seconds", 4.25, "EUR")).toBe("4.25");
    expect(spaced(formatter("fr").metric("avg_engaged_seconds", 62.5, "EUR"))).toBe("63");
  });
});
