import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { createProgress } from "../../dist/cli/progress.js";

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  Object.assign(stream, { isTTY, columns: 100 });
  return { stream, text: () => text };
}

describe("progress bars", () => {
  it("draw one bar per stage on a terminal, each finished at 100%", async () => {
    const { stream, text } = fakeStream(true);
    const progress = createProgress(true, stream);
    for (const stage of ["knn", "init", "optimize"]) for (const f of [0, 0.5, 1]) progress.update(f, stage);
    progress.finish(true);
    await new Promise((r) => setImmediate(r));
    const out = text();
    for (const stage of ["knn", "init", "optimize"]) expect(out).toMatch(new RegExp(`${stage}\\s+\\S+ 100%`));
  });

  it("stay silent when disabled (--quiet) or when the stream is not a terminal", async () => {
    for (const [enabled, tty] of [[false, true], [true, false]]) {
      const { stream, text } = fakeStream(tty);
      const progress = createProgress(enabled, stream);
      progress.update(0.5, "knn");
      progress.finish(true);
      await new Promise((r) => setImmediate(r));
      expect(text()).toBe("");
    }
  });
});
