// What `cne serve` checks in every request before it looks for a file: that it was meant for this server (the
// Host header names a loopback name and the port it listens on: a DNS-rebinding page sends its own host name),
// and that the path decodes (a malformed percent-encoding is the client's error, not the server's).

/** Names that are loopback by definition: a page elsewhere cannot make a browser send them for its own origin. */
const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/** The Host header values the server at `port` answers: each loopback name with the port. */
export function allowedHosts(port: number): Set<string> {
  return new Set(LOOPBACK_NAMES.map((name) => `${name}:${port}`));
}

/** True when the Host header (case-insensitive) is one of `allowed`; a missing header is not. */
export function hostAllowed(host: string | undefined, allowed: Set<string>): boolean {
  return typeof host === "string" && allowed.has(host.toLowerCase());
}

/** The decoded path of a request target, or undefined when it is malformed (bad percent-encoding, NUL). */
export function requestPath(url: string | undefined): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url ?? "/", "http://loopback").pathname);
  } catch {
    return undefined;
  }
  return path.includes("\0") ? undefined : path;
}
