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

/**
 * A receiveuntil iterator that timed out while holding a pattern prefix (`a` of `ab`) keeps those
 * bytes in its matcher. Before 0.10.26 a different read that comes next never sees them (they
 * are lost); since then they are pushed back in front of the buffer, which is what
 * cosocket.md §4.8.4 specifies and we do.
 */
const PUSHBACK = {
  fixedIn: 10026,
  upstream:
    'openresty/lua-nginx-module commit 0c3853e1 "bugfix: mixed recv api call causes unexpected result." ' +
    '(PR #2145, issue #2131), first released in v0.10.26',
  why: 'withheld receiveuntil bytes go back to the next receive/receiveany instead of being lost',
};

export const knownDifferences: KnownDifference[] = [
  {
    scenario: 'withheld prefix, then receive(2)',
    fixedIn: PUSHBACK.fixedIn,
    upstream: PUSHBACK.upstream,
    why: PUSHBACK.why,
    module: ['main\treceive a 2\t"yz"'],
    ours: ['main\treceive a 2\t"ay"'],
  },
  {
    scenario: 'withheld prefix, then a line read',
    fixedIn: PUSHBACK.fixedIn,
    upstream: PUSHBACK.upstream,
    why: PUSHBACK.why,
    module: ['main\treceive a (default)\t"yz"'],
    ours: ['main\treceive a (default)\t"ayz"'],
  },
  {
    scenario: 'withheld prefix, then receiveany',
    fixedIn: PUSHBACK.fixedIn,
    upstream: PUSHBACK.upstream,
    why: PUSHBACK.why,
    module: ['main\treceiveany a 10\t"yz\\x0a"'],
    ours: ['main\treceiveany a 10\t"ayz\\x0a"'],
  },
];
