// Errors the API throws: always early, always naming the problem.

/** Invalid input or options. */
export class CneInputError extends TypeError {
  override name = "CneInputError";
}

export function fail(message: string): never {
  throw new CneInputError(`cne-wasm: ${message}`);
}

/** Rejects with the signal's reason (an AbortError DOMException unless the caller gave another). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason = signal.reason ?? new DOMException("The operation was aborted", "AbortError");
  throw reason;
}

/** A computation produced a non-finite value despite valid input; the message names the stage. */
export class CneNumericError extends Error {
  override name = "CneNumericError";
}

/** A saved model that cannot be read (wrong magic, newer format, truncated, corrupted) or that does not fit the data given to it. */
export class CneModelError extends Error {
  override name = "CneModelError";
}

export function failModel(message: string): never {
  throw new CneModelError(`cne-wasm: ${message}`);
}
