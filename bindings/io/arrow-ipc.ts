// Arrow IPC, file ("ARROW1" magic: .arrow, .feather v2) and stream (.arrows) alike, through apache-arrow: its
// reader tells the two apart, and its columns are views of the file's bytes (not a copy).

import { tableFromIPC, type Table as ArrowTable } from "apache-arrow";
import { fail } from "./errors.ts";

export function readArrowIpc(bytes: Uint8Array): ArrowTable {
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    fail(`not a readable Arrow IPC file or stream: ${error instanceof Error ? error.message : String(error)}`);
  }
}
