// The table readers' one error: the problem and where it sits in the file, without the file's name (the CLI
// and the page each put the name in front). No Node imports: the explorer page bundles this folder.

/** Where in a file a problem sits. */
export interface Place {
  /** 1-based line of a text file. */
  line?: number;
  /** 1-based column (field) of a text file. */
  column?: number;
  /** 0-based row of an array file (.npy, .json). */
  row?: number;
  /** 0-based column of an array file. */
  index?: number;
}

/** What went wrong, for callers that add advice of their own (the CLI names its flags). */
export type TableErrorKind =
  | "format"
  | "value"
  /** a cell of line 1 that is not a number, read as data because line 1 did not pass as a header */
  | "first-row-value"
  | "size"
  /** the file's text is longer than the JavaScript engine's longest string */
  | "string-limit";

/** "line 2, column 3: " or "row 1, column 0 (0-based): " or "". */
export function describePlace(place: Place): string {
  const where: string[] = [];
  if (place.line !== undefined) where.push(`line ${place.line}`);
  if (place.column !== undefined) where.push(`column ${place.column}`);
  if (place.row !== undefined) where.push(`row ${place.row}`);
  if (place.index !== undefined) where.push(`column ${place.index}`);
  return where.length > 0 ? `${where.join(", ")}${place.row !== undefined ? " (0-based)" : ""}: ` : "";
}

/** A file that cannot be read as a table: `message` is "<place>: <problem>". */
export class TableError extends Error {
  override name = "TableError";
  constructor(
    readonly problem: string,
    readonly place: Place = {},
    readonly kind: TableErrorKind = "format",
    /** the columns to choose the vector from, when the file has several (a page offers them) */
    readonly choices?: string[],
  ) {
    super(describePlace(place) + problem);
  }
}

export function fail(problem: string, place: Place = {}, kind: TableErrorKind = "format", choices?: string[]): never {
  throw new TableError(problem, place, kind, choices);
}
