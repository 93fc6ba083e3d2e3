// When the first row of a text table is a header. The rule never guesses a data row away: a row is a header
// only when every one of its fields is a name, i.e. not empty and not numeric-looking, where numeric-looking
// takes in every spelling of a number, of infinity and of a missing value that spreadsheets, pandas, R and
// numpy write. A data row therefore always has at least one field that keeps it data (rows of words only are
// not numeric data). A header of numbers (pandas writes 0,1,2,… for unnamed columns) stays data, and is
// reported (looksLikeColumnNumbers) so that the caller can say so.

/** Missing-value and infinity spellings (lower case), beyond what Number() reads. */
const NUMERIC_WORDS = new Set([
  "nan", "-nan", "+nan", "nan(ind)", "-nan(ind)", "qnan", "snan", "na", "n/a", "n.a.", "n.a", "<na>", "nat", "null",
  "none", "nil", "missing", "undefined", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "infinite",
  "1.#inf", "-1.#inf", "1.#ind", "-1.#ind", "1.#qnan", "-1.#qnan", "∞", "+∞", "-∞", "−∞", "?", "-", "--", ".", "",
]);

/**
 * Digits with an optional decimal point or comma, digit-group separators, an exponent marked e, d or q
 * (Fortran), and a sign or a trailing percent: text that is a number to a reader, if not to Number().
 */
const NUMBER_LIKE = /^[+\-−]?(\d[\d_,' ]*([.,]\d*)?|[.,]\d+)([edq][+\-−]?\d+)?%?$/i;

/** Whether a field reads as a number, an infinity or a missing value in some common spelling. */
export function isNumericLooking(field: string): boolean {
  const t = field.trim().toLowerCase();
  if (NUMERIC_WORDS.has(t)) return true;
  // spreadsheet errors and missing markers: #N/A, #NULL!, #DIV/0!, #VALUE!, #NUM!
  if (t.startsWith("#")) return true;
  if (!Number.isNaN(Number(t))) return true;
  return NUMBER_LIKE.test(t);
}

/** The header rule: every field is a name (not empty, not numeric-looking). */
export function isHeaderRow(fields: readonly string[]): boolean {
  return fields.length > 0 && fields.every((f) => !isNumericLooking(f));
}

/** Whether a row is the column numbers 0, 1, …, w − 1 (pandas' header for unnamed columns), w ≥ 2. */
export function looksLikeColumnNumbers(fields: readonly string[]): boolean {
  return fields.length >= 2 && fields.every((f, j) => f.trim() === String(j));
}
