import { formatNumber } from './format-number.js';

/**
 * What `send()` accepts and how it becomes bytes, following lua-nginx-module's
 * `ngx_http_lua_calc_strlen_in_table` / `copy_str_in_table`, with one TypeScript divergence:
 * booleans are allowed inside arrays too, because api.md types arrays as "nested arrays of these".
 * Nothing is concatenated: the pieces are handed to the stream as they are and written with
 * one writev (cork/uncork).
 */
export type SendData = string | Uint8Array | number | boolean | readonly SendData[];

export interface SerializedData {
  pieces: (string | Buffer)[];
  bytes: number;
}

export function serializeSendData(data: SendData): SerializedData {
  const out: SerializedData = { pieces: [], bytes: 0 };
  if (Array.isArray(data)) {
    flatten(data, out, 0);
  } else if (!addScalar(data, out)) {
    throw new TypeError(`string, number, boolean, Uint8Array, or array expected, got ${typeName(data)}`);
  }
  return out;
}

const MAX_DEPTH = 100;

function flatten(items: readonly SendData[], out: SerializedData, depth: number): void {
  if (depth > MAX_DEPTH) throw new TypeError('send data nested too deeply');
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (Array.isArray(item)) flatten(item, out, depth + 1);
    else if (!addScalar(item, out)) throw new TypeError(`bad data type ${typeName(item)} found`);
  }
}

function addScalar(value: unknown, out: SerializedData): boolean {
  switch (typeof value) {
    case 'string':
      if (value.length > 0) {
        out.pieces.push(value);
        out.bytes += Buffer.byteLength(value);
      }
      return true;
    case 'number':
      return addScalar(formatNumber(value), out);
    case 'boolean':
      return addScalar(value ? 'true' : 'false', out);
    default:
      if (value instanceof Uint8Array) {
        if (value.length > 0) {
          out.pieces.push(Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.length));
          out.bytes += value.length;
        }
        return true;
      }
      return false;
  }
}

/** `nil` for null/undefined, as Lua names the type in its error messages. */
function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  return typeof value;
}

export { formatNumber };
