/**
 * How every client reports a connection URL it cannot use: a `TypeError` that quotes the URL
 * with its password masked and says what is wrong (api.md, "Common to every client").
 */

/**
 * The URL with the password of its user info replaced by `****`. The user info is taken up to
 * the last `@`, so a malformed URL (an unescaped `@` or `/` in the password) is masked too:
 * masking too much is harmless, showing a password is not.
 */
export function maskUrl(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme === -1 ? 0 : scheme + 3;
  const at = url.lastIndexOf('@');
  if (at < start) return url;
  const colon = url.indexOf(':', start);
  if (colon === -1 || colon > at) return url;
  return `${url.slice(0, colon + 1)}****${url.slice(at)}`;
}

/** `bad URL "redis://u:****@h:x": the port is not a number`. */
export function badUrl(url: string, problem: string): TypeError {
  return new TypeError(`bad URL "${maskUrl(url)}": ${problem}`);
}
