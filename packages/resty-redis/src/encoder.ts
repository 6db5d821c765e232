/**
 * RESP2 request encoding (multi-bulk), after lua-resty-redis `_gen_req` with strict argument
 * rules: strings are UTF-8 (lengths in bytes), Uint8Arrays are sent byte for byte, numbers in
 * full precision without exponent form, bigints as decimals; `null`, `undefined` and anything
 * else throw a TypeError before a byte is queued.
 *
 * Text parts are joined into one string (cheap in V8, and one write call instead of many);
 * binary values stay separate pieces, so a large Buffer is never copied: the cosocket writes
 * the pieces with one writev.
 */
export type Piece = string | Uint8Array;

/** One encoded command: a string when it holds no binary argument, else its pieces. */
export type Encoded = string | Piece[];

/**
 * Encodes one command as RESP (an array of bulk strings): a string, or pieces to send in one
 * writev without concatenating Buffers. Throws `TypeError` for arguments Redis cannot take
 * (`null`, `undefined`, booleans, objects, NaN).
 */
export function encodeCommand(name: string, args: readonly unknown[]): Encoded {
  let text = `*${args.length + 1}\r\n$${Buffer.byteLength(name)}\r\n${name}\r\n`;
  let pieces: Piece[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === 'string') {
      text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
    } else if (typeof arg === 'number') {
      const s = formatNumber(arg, i);
      text += `$${s.length}\r\n${s}\r\n`;
    } else if (typeof arg === 'bigint') {
      const s = arg.toString();
      text += `$${s.length}\r\n${s}\r\n`;
    } else if (arg instanceof Uint8Array) {
      pieces ??= [];
      pieces.push(`${text}$${arg.length}\r\n`, arg);
      text = '\r\n';
    } else {
      throw new TypeError(`bad argument #${i + 1} to '${name}': string, number, bigint or Buffer expected, got ${typeName(arg)}`);
    }
  }
  if (pieces === null) return text;
  pieces.push(text);
  return pieces;
}

/** Appends encoded commands into as few pieces as possible (pipelines). */
export class RequestBuilder {
  private pieces: Piece[] = [];
  private text = '';
  count = 0;

  add(encoded: Encoded): void {
    this.count++;
    if (typeof encoded === 'string') {
      this.text += encoded;
      return;
    }
    const first = encoded[0] as string;
    this.pieces.push(this.text + first);
    for (let i = 1; i < encoded.length - 1; i++) this.pieces.push(encoded[i]!);
    this.text = encoded[encoded.length - 1] as string;
  }

  /** The pieces for one `send` (empty when nothing was added). */
  finish(): Piece[] {
    if (this.text.length > 0) this.pieces.push(this.text);
    return this.pieces;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * A number as a decimal with every significant digit and no exponent:
 * `1e21` -> `1000000000000000000000`, `0.1` -> `0.1`, `1.5e-7` -> `0.00000015`,
 * `Infinity` -> `inf` (what Redis parses for scores). NaN is refused.
 */
export function formatNumber(n: number, index = 0): string {
  if (Number.isSafeInteger(n)) return String(n);
  if (Number.isNaN(n)) throw new TypeError(`bad argument #${index + 1}: NaN cannot be sent to Redis`);
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  // Beyond 2^53 every double is an integer: BigInt prints its exact value.
  if (Number.isInteger(n)) return BigInt(n).toString();
  const s = String(n);
  const e = s.indexOf('e');
  if (e === -1) return s;
  // Only magnitudes below 1e-6 reach here: String() uses exponent form for them.
  const exp = Number(s.slice(e + 1));
  const negative = s.startsWith('-');
  const digits = s.slice(negative ? 1 : 0, e).replace('.', '');
  return `${negative ? '-' : ''}0.${'0'.repeat(-exp - 1)}${digits}`;
}
