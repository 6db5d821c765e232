// Compile-time checks (run by `tsc -p tsconfig.json`): value types follow returnBuffers.
import { expect, it } from 'vitest';
import { Memcached } from '../src/index.js';

export async function typed(): Promise<void> {
  const text = new Memcached();
  const one = await text.get('k');
  const s: string | undefined = one?.value;
  const many = await text.gets(['a', 'b']);
  const cas: string | undefined = many['a']?.cas;
  const bin = new Memcached({ returnBuffers: true });
  const b = await bin.get('k');
  const buf: Buffer | undefined = b?.value;
  // @ts-expect-error a Buffer client's value is not a string
  const wrong: string | undefined = b?.value;
  const n: number | null = await text.incr('n', 1);
  void [s, cas, buf, wrong, n];
}

it('constructs clients of both value types', () => {
  expect(new Memcached({ returnBuffers: true })).toBeInstanceOf(Memcached);
  expect(new Memcached({ returnBuffers: false })).toBeInstanceOf(Memcached);
});
