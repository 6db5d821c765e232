/**
 * The one place where the fidelity suite expects the module and the port to differ: changes
 * made upstream after the module version Debian ships (0.10.23). Each entry names the scenario,
 * the upstream change, and the exact transcript lines on each side. With a module at or after
 * `fixedIn` the scenario must match like any other.
 *
 * Deliberate API differences are not listed here: they are normalization rules
 * (support/transcript.ts).
 */
export interface KnownDifference {
  scenario: string;
  /** ngx_lua_version of the first module release with the behaviour we follow. */
  fixedIn: number;
  upstream: string;
  why: string;
  /** The differing lines, in transcript order: what the module prints, what we print. */
  module: string[];
  ours: string[];
}

export const knownDifferences: KnownDifference[] = [];
