// The ways a test cuts one byte sequence into network chunks. A decoder or reader must give the
// same result however the bytes arrive, so tests feed each input through every layout here.

/** One layout of the input: a name for the failure message and the chunks in order. */
export interface Split {
  name: string;
  chunks: Buffer[];
}

/** Strings are taken as latin1, so `'\xff'` is the byte 0xff. */
export type Bytes = string | Buffer;

export const bytesOf = (data: Bytes): Buffer => (typeof data === 'string' ? Buffer.from(data, 'latin1') : data);

/**
 * Fresh memory for each chunk: no two chunks (and no chunk and the input) share an
 * ArrayBuffer, so a test that checks "no copy" by buffer identity sees only the reader's work.
 */
function fresh(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  bytes.copy(out);
  return out;
}

/** The same bytes whole, byte by byte, and in two at every boundary. */
export function everySplit(data: Bytes): Split[] {
  const bytes = bytesOf(data);
  const out: Split[] = [
    { name: 'whole', chunks: [fresh(bytes)] },
    { name: 'byte by byte', chunks: [...bytes].map((b) => fresh(Buffer.from([b]))) },
  ];
  for (let k = 1; k < bytes.length; k++) out.push({ name: `split at ${k}`, chunks: [fresh(bytes.subarray(0, k)), fresh(bytes.subarray(k))] });
  return out;
}

/** Cuts `bytes` at the given positions (taken modulo length + 1, deduplicated, sorted): fast-check's random splits. */
export function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    if (p > start) out.push(bytes.subarray(start, p));
    start = Math.max(start, p);
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}
