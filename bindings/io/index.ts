// Reading and writing tables, for the CLI and the explorer page alike (no Node imports).

export { readTable, readColumnar, readLabelList, openVectorBlocks, readMetadataColumns } from "./table.ts";
export { tableBytes, tableBytesFor, writeTableBytes, formatFloat32 } from "./write.ts";
export { setParquetWasm, type ParquetWasmSource } from "./parquet-source.ts";
export type { LayoutColumns } from "./arrow-write.ts";
export { FORMATS, INPUT_FORMATS, OUTPUT_FORMATS, inputFormatOf, outputFormatOf, type TableFormat } from "./formats.ts";
export { TableError, describePlace, type Place, type TableErrorKind } from "./errors.ts";
export { isHeaderRow, isNumericLooking, looksLikeColumnNumbers } from "./header.ts";
export type { LabelColumn, LineCounts, ReadOptions, Table } from "./types.ts";
export type { VectorBlock, VectorBlocks } from "./blocks.ts";
