// Drives a streamed transform: blocks read from the source in order, placed `window` at a time (one, locally:
// the core places one block on all threads; the fleet's capacity across endpoints), and written in input order
// as each completes, so memory holds at most `window` blocks whatever the number of rows. Progress is the part
// of the input read through the blocks written (RowBlock.read).

import { throwIfAborted } from "../../errors.ts";
import type { RowSource } from "./source.ts";
import type { StreamSink } from "./sink.ts";

export type PlaceBlock = (values: Float32Array, rows: number) => Promise<Float32Array>;

export async function runStream(
  source: RowSource,
  sink: StreamSink,
  place: PlaceBlock,
  options: { chunkRows: number; window: number; signal?: AbortSignal; onRows?: (rowsDone: number, read: number) => void },
): Promise<number> {
  const inFlight: Promise<{ placed: Float32Array; next: { row: number; byte: number }; read: number }>[] = [];
  let rowsDone = sink.rowsDone;
  const drainOne = async () => {
    const { placed, next, read } = await inFlight.shift()!;
    await sink.append(placed, next);
    rowsDone = next.row;
    options.onRows?.(rowsDone, read);
  };
  try {
    for await (const block of source.blocks(sink.next ?? source.start, options.chunkRows)) {
      throwIfAborted(options.signal);
      const work = place(block.values, block.n).then((placed) => ({ placed, next: block.next, read: block.read }));
      work.catch(() => {}); // awaited in order below; a rejection before then must not go unhandled
      inFlight.push(work);
      if (inFlight.length >= options.window) await drainOne();
    }
    while (inFlight.length > 0) await drainOne();
    // the source is read to its end (what follows its last rows, e.g. blank lines, too)
    options.onRows?.(rowsDone, 1);
  } catch (error) {
    // let the blocks still in flight settle before the caller closes what they use
    await Promise.allSettled(inFlight);
    throw error;
  }
  return rowsDone;
}
