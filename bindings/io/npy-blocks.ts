// Row blocks of a 2-D .npy from a given row on, for the streamed transform: the header is read from the file's
// first bytes, then each block's byte range alone (a Blob slice), so a file of any size is never read whole.
// The values go through npy.ts, the reader of whole .npy files: the same dtypes, checks and errors.

import { fail } from "./errors.ts";
import { npyRowsAsFloat32, npyRowsLayout } from "./npy.ts";
import type { VectorBlocks } from "./blocks.ts";

/** Bytes of the file read for its header: numpy writes headers of at most a few hundred bytes. */
const HEAD_BYTES = 1 << 16;
/** Bytes of data per block. */
const BLOCK_BYTES = 8 * 1024 * 1024;

export async function npyBlocks(blob: Blob): Promise<VectorBlocks> {
  const layout = npyRowsLayout(new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer()));
  const { n, dim, rowBytes } = layout;
  const dataOffset = layout.header.length;
  // a cut-short file is refused before any row is placed, in the words of the whole-file reader
  const held = Math.max(0, Math.floor((blob.size - dataOffset) / (rowBytes / dim)));
  if (held < n * dim) fail(`truncated: shape (${n}, ${dim}) needs ${n * dim} values, the file holds ${held}`);
  const blockRows = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
  return {
    dim,
    rows: n,
    async *blocks(from) {
      for (let row = from; row < n; ) {
        const m = Math.min(blockRows, n - row);
        const start = dataOffset + row * rowBytes;
        const bytes = new Uint8Array(await blob.slice(start, start + m * rowBytes).arrayBuffer());
        if (bytes.length !== m * rowBytes) fail("the file changed or was cut short while being read", { row });
        yield { values: npyRowsAsFloat32(layout, bytes, row), n: m };
        row += m;
      }
    },
  };
}
