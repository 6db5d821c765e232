// createClient checks its server and options at once (TypeError / RangeError), before any I/O.
import { describe, expect, it } from 'vitest';
import { createClient, MemcachedClient, type MemcachedClientOptions } from '../src/index.js';

const RING = 'the server ring (several servers; distribution, weights, failureLimit, retryTimeout, remove) comes with the server-ring issue';

describe('createClient', () => {
  it('creates without connecting; address names the server', async () => {
    const client = createClient('127.0.0.1');
    expect(client).toBeInstanceOf(MemcachedClient);
    expect(client.address).toBe('127.0.0.1:11211');
    expect(createClient('[::1]:1').address).toBe('[::1]:1');
    expect(createClient({ host: 'unix:/run/m.sock' }).address).toBe('unix:/run/m.sock');
    expect(createClient(['h:2']).address).toBe('h:2');
    await client.close();
  });

  it('a malformed address throws the badUrl TypeError', () => {
    expect(() => createClient('h:x')).toThrow(new TypeError('bad URL "h:x": bad port "x" (expected 1 to 65535)'));
  });

  it('several servers are refused until the server ring', () => {
    expect(() => createClient(['a:1', 'b:2'])).toThrow(new TypeError(`2 servers given (a:1, b:2): ${RING}: this client talks to one server`));
    expect(() => createClient('a,b')).toThrow(TypeError);
  });

  it.each<[MemcachedClientOptions<boolean>, string]>([
    [{ distribution: 'ketama' }, 'distribution'],
    [{ weights: { 'a:1': 2 } }, 'weights'],
    [{ failureLimit: 2, retryTimeout: 30_000 }, 'failureLimit, retryTimeout'],
    [{ remove: false }, 'remove'],
  ])('the ring option %j is typed and refused', (options, names) => {
    expect(() => createClient('h', options)).toThrow(new TypeError(`option ${names} refused: ${RING}: this client talks to one server`));
  });

  it.each<[unknown, ErrorConstructor, string]>([
    [{ poolsize: 2 }, TypeError, 'unknown option "poolsize"'],
    [{ retries: 2 }, TypeError, 'unknown option "retries"'],
    ['fast', TypeError, 'bad options: object expected, got string'],
    [{ poolSize: 0 }, RangeError, 'bad poolSize: 0 (expected an integer ≥ 1)'],
    [{ poolSize: 1.5 }, RangeError, 'bad poolSize: 1.5'],
    [{ maxWaiting: -1 }, RangeError, 'bad maxWaiting: -1 (expected an integer ≥ 0)'],
    [{ maxPending: 0 }, RangeError, 'bad maxPending: 0'],
    [{ connectTimeout: 0 }, RangeError, 'bad connectTimeout: 0 (expected ms > 0)'],
    [{ timeout: -5 }, RangeError, 'bad timeout: -5'],
    [{ readTimeout: Infinity }, RangeError, 'bad readTimeout: Infinity'],
    [{ waitTimeout: '1s' }, RangeError, 'bad waitTimeout: 1s'],
    [{ keyTransform: [(k: string) => k] }, TypeError, 'expecting keyTransform = [encode, decode] functions'],
    [{ maxValueSize: 0 }, RangeError, 'bad maxValueSize: 0'],
  ])('the option %j throws', (options, type, message) => {
    expect(() => createClient('h', options as MemcachedClientOptions)).toThrow(type);
    expect(() => createClient('h', options as MemcachedClientOptions)).toThrow(message);
  });

  it('quit() rejects (use close()), and never throws synchronously', async () => {
    const client = createClient('127.0.0.1:1');
    await expect(client.quit()).rejects.toMatchObject({
      name: 'MemcachedClientError',
      code: 'quit not allowed',
      address: '127.0.0.1:1',
      command: 'quit',
      message: 'quit is not allowed on a client: it would close the connection every caller shares (use close()) (127.0.0.1:1, quit)',
    });
    await client.close();
  });

  it('bad arguments reject before anything is queued; getMulti takes an array', async () => {
    const client = createClient('127.0.0.1:1');
    await expect(client.get('a b c'.repeat(100))).rejects.toBeInstanceOf(TypeError);
    await expect(client.set('k', null as never)).rejects.toThrow('bad value');
    await expect(client.getMulti('k' as never)).rejects.toThrow('bad keys: getMulti takes an array of keys, got string');
    expect(await client.getMulti([])).toEqual({});
    await client.close();
  });
});

// Compile-time checks (tsc -p tsconfig.json): the client's reply types are the socket-level ones.
export async function clientTyped(): Promise<void> {
  const text = createClient('h');
  const s: string | undefined = (await text.get('k'))?.value;
  const map: Record<string, { value: string; flags: number }> = await text.getMulti(['a']);
  const cas: string | undefined = (await text.gets(['a']))['a']?.cas;
  const n: number | null = await text.incr('n', 1);
  const stored: boolean = await text.set('k', 'v', 0, 1);
  const bin = createClient('h', { returnBuffers: true, poolSize: 2 });
  const buf: Buffer | undefined = (await bin.getMulti(['a']))['a']?.value;
  // @ts-expect-error a Buffer client's value is not a string
  const wrong: string | undefined = (await bin.get('k'))?.value;
  const leased: Buffer | undefined = await bin.withConnection(async (memc) => (await memc.get('k'))?.value);
  // @ts-expect-error getMulti takes an array
  void text.getMulti('k');
  void [s, map, cas, n, stored, buf, wrong, leased];
}
