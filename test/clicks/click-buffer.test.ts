import { describe, expect, it } from "vitest";
import { ClickBuffer } from "../../src/clicks/click-buffer";

describe("click buffer", () => {
  it("sends the clicks of one window in one message, and a full buffer at once", async () => {
    const sent: number[][] = [];
    const send = async (items: number[]) => {
      sent.push(items);
    };
    const buffer = new ClickBuffer<number>({ windowMs: 20, maxItems: 3 });
    const owner = buffer.add(1, send);
    expect(owner).toBeInstanceOf(Promise);
    expect(buffer.add(2, send)).toBeNull(); // a window is open: its owner will send this one
    expect(sent).toEqual([]);
    await owner;
    expect(sent).toEqual([[1, 2]]);

    const windowOwner = buffer.add(3, send);
    expect(buffer.add(4, send)).toBeNull();
    const filler = buffer.add(5, send); // the third click fills the buffer: sent at once
    expect(filler).toBeInstanceOf(Promise);
    await filler;
    expect(sent).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    await windowOwner; // nothing left for the window
    expect(sent).toHaveLength(2);
    expect(buffer.pending).toBe(0);
  });
});
