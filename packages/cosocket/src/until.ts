import type { Reader } from './reader.js';

/**
 * The matcher behind `receiveUntil`: lua-nginx-module's byte-at-a-time automaton
 * (cosocket.md §4.8.3), reproduced exactly so chunk boundaries in sized mode match OpenResty.
 *
 * `state` is the number of pattern bytes matched so far. Those bytes have been consumed from
 * the reader but not yet returned ("withheld"); they are always `pattern[0..state)`, so only
 * the count needs keeping. `DONE` means the last sized call found the pattern and the next
 * call must report the end of this occurrence.
 */
export const DONE = -1;

export class UntilMatcher {
  readonly pattern: Buffer;
  readonly inclusive: boolean;
  state = 0;
  /** KMP failure function: fail[i] = length of the longest proper border of pattern[0..i]. */
  private readonly fail: Int32Array;
  /** Per-call accumulators; they survive waits for data inside one call, not across calls. */
  private out: Buffer[] = [];
  private rest = 0;
  private sized = false;

  constructor(pattern: Buffer, inclusive: boolean) {
    this.pattern = pattern;
    this.inclusive = inclusive;
    this.fail = failureFunction(pattern);
  }

  /** Starts one iterator call. `size` 0 means unlimited mode. */
  begin(size: number): void {
    this.out = [];
    this.sized = size > 0;
    this.rest = size;
  }

  /** Bytes released so far in this call (returned as `partial` on timeout or EOF). */
  released(): Buffer {
    const out = this.out.length === 1 ? this.out[0]! : Buffer.concat(this.out);
    this.out = [];
    return out;
  }

  /**
   * Consumes buffered bytes. Returns the chunk this call yields, or `undefined` when it
   * needs more data (the caller waits and calls `run` again).
   */
  run(reader: Reader): Buffer | undefined {
    const pat = this.pattern;
    const len = pat.length;
    const first = pat[0]!;
    let s = this.state;
    while (reader.length > 0) {
      const buf = reader.front();
      const n = buf.length;
      let i = 0;
      while (i < n) {
        const c = buf[i]!;
        if (c === pat[s]) {
          i++;
          s++;
          if (s === len) {
            reader.skip(i);
            this.state = this.sized ? DONE : 0;
            if (this.inclusive) this.out.push(pat);
            return this.released();
          }
          continue;
        }
        if (s === 0) {
          // Fast path: everything up to the next possible pattern start is plain data.
          let j = buf.indexOf(first, i);
          if (j === -1) j = n;
          if (this.sized && j - i >= this.rest) {
            j = i + this.rest;
            this.out.push(buf.subarray(i, j));
            reader.skip(j);
            this.state = 0;
            return this.released();
          }
          this.out.push(buf.subarray(i, j));
          if (this.sized) this.rest -= j - i;
          i = j;
          continue;
        }
        if (s >= 2) {
          const t = this.transition(s, c);
          if (t >= 2) {
            // Recovery edge: part of the withheld prefix turns out to be data.
            const emit = s + 1 - t;
            this.out.push(pat.subarray(0, emit));
            i++;
            s = t;
            if (this.sized) {
              if (this.rest <= emit) {
                reader.skip(i);
                this.state = s;
                return this.released();
              }
              this.rest -= emit;
            }
            continue;
          }
        }
        // No recovery edge: release everything withheld and look at `c` again from state 0.
        this.out.push(pat.subarray(0, s));
        if (this.sized) {
          if (this.rest <= s) {
            reader.skip(i);
            this.state = 0;
            return this.released();
          }
          this.rest -= s;
        }
        s = 0;
      }
      reader.skip(n);
    }
    this.state = s;
    return undefined;
  }

  /** The KMP transition from `s` matched bytes on byte `c` (c !== pattern[s]). */
  private transition(s: number, c: number): number {
    const pat = this.pattern;
    let k = s;
    while (k > 0 && pat[k] !== c) k = this.fail[k - 1]!;
    return pat[k] === c ? k + 1 : 0;
  }
}

function failureFunction(pat: Buffer): Int32Array {
  const fail = new Int32Array(pat.length);
  let k = 0;
  for (let i = 1; i < pat.length; i++) {
    while (k > 0 && pat[i] !== pat[k]) k = fail[k - 1]!;
    if (pat[i] === pat[k]) k++;
    fail[i] = k;
  }
  return fail;
}
