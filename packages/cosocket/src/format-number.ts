/**
 * Numbers as lua-nginx-module's `send` prints them: int32 integers as integers, everything
 * else as C's `printf("%.14g")` does (`3.14159265358979` -> `3.1415926535898`, `1e15` ->
 * `1e+15`). glibc rounds the exact binary value and breaks exact ties to the even digit, where
 * JavaScript's toExponential breaks them upward; exact ties take a BigInt path.
 */
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function formatNumber(n: number): string {
  if (Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX) return String(n);
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const { digits, exp } = significant14(Math.abs(n));
  const sign = n < 0 ? '-' : '';
  if (exp < -4 || exp >= 14) {
    const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return `${sign}${trimZeros(`${digits[0]}.${digits.slice(1)}`)}e${e}`;
  }
  const fixed = exp >= 0 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : `0.${'0'.repeat(-exp - 1)}${digits}`;
  return sign + trimZeros(fixed);
}

/** `x` (> 0, finite) to 14 significant digits, rounded as glibc does: exact value, ties to even. */
function significant14(x: number): { digits: string; exp: number } {
  // Only a 15th significant digit of 5 can be an exact tie; otherwise JS rounding agrees.
  if (x.toExponential(14)[15] !== '5') {
    const [mantissa, e] = x.toExponential(13).split('e') as [string, string];
    return { digits: mantissa.replace('.', ''), exp: Number(e) };
  }
  const [all, shift] = exactDecimal(x);
  let exp = all.length - shift - 1;
  let head = BigInt(all.slice(0, 14).padEnd(14, '0'));
  const rest = all.slice(14);
  if (rest.length > 0) {
    const first = rest.charCodeAt(0) - 48;
    if (first > 5 || (first === 5 && (/[1-9]/.test(rest.slice(1)) || head % 2n === 1n))) head += 1n;
  }
  let digits = head.toString();
  if (digits.length > 14) {
    digits = digits.slice(0, 14);
    exp += 1;
  }
  return { digits, exp };
}

/** The exact decimal value of a finite double > 0 as [digits, k], meaning x = digits * 10^-k. */
function exactDecimal(x: number): [string, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let e = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    e = biased - 1075;
  }
  return e >= 0 ? [(mantissa << BigInt(e)).toString(), 0] : [(mantissa * 5n ** BigInt(-e)).toString(), -e];
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
