/**
 * The vocabulary of the typed command methods (`TypedRedisCommands`): what an argument may be
 * and the shapes RESP2 replies take. `S` is the type of a bulk string: `string`, or `Buffer`
 * for a client created with `returnBuffers: true`. The decoder turns status replies (`+OK`,
 * `+PONG`, TYPE's `+string`) into Buffers too under `returnBuffers`, hence `StatusReply`.
 * Values are `RedisArg` (string, number, bigint, Buffer), as for every command method.
 */
/** A key: a string (sent as UTF-8) or a Buffer (sent byte for byte). */
export type RedisKey = string | Buffer;

/** An option word as Redis documents it (`'EX'`), or in lower case (`'ex'`): Redis reads either. */
export type RedisToken<T extends string> = T | Lowercase<T>;

/** An integer argument (counts, seconds, indexes): a number, a bigint, or its decimal text. */
export type RedisInteger = number | bigint | `${number}`;

/** A score or float increment: a number, its text, or an infinity Redis reads (`'+inf'`). */
export type RedisScore = number | `${number}` | '+inf' | '-inf' | 'inf';

/** A score range bound: a score, or one excluded with a leading `(` (`'(1.5'`). */
export type RedisScoreBound = RedisScore | `(${number}` | '(+inf' | '(-inf';

/** A status reply: the literal text `T` (`'OK'`), or a Buffer of it under `returnBuffers`. */
export type StatusReply<S extends string | Buffer, T extends string> = S extends Buffer ? Buffer : T;

/** SCAN, HSCAN, SSCAN, ZSCAN: the next cursor (`'0'` when done) and this batch. */
export type ScanReply<S extends string | Buffer> = [cursor: S, elements: S[]];

/**
 * Members and their scores alternating, as RESP2 returns them for `WITHSCORES` (and ZPOPMIN,
 * HRANDFIELD ... `WITHVALUES`): `[member1, score1, member2, score2, ...]`; scores are bulk
 * strings (`'1.5'`), convert them with `Number()`.
 */
export type MembersWithScores<S extends string | Buffer> = S[];

/** One stream entry: its ID and its fields and values alternating (`['1-0', ['f', 'v']]`). */
export type StreamEntry<S extends string | Buffer> = [id: S, fieldsAndValues: S[]];

/** XREAD / XREADGROUP: per stream that had entries, its name and the entries; `null` on timeout. */
export type StreamsReply<S extends string | Buffer> = [stream: S, entries: StreamEntry<S>[]][] | null;

/** One or more values (a rest parameter that needs at least one). */
export type OneOrMore<T> = [T, ...T[]];

/** An optional group of arguments in a rest tuple. */
export type Optional<T extends unknown[]> = [] | T;

/** Two groups of options in either order (Redis parses most option lists in any order). */
export type AnyOrder2<A extends unknown[], B extends unknown[]> = [...A, ...B] | [...B, ...A];

/** Three groups of options in any order. */
export type AnyOrder3<A extends unknown[], B extends unknown[], C extends unknown[]> =
  [...A, ...AnyOrder2<B, C>] | [...B, ...AnyOrder2<A, C>] | [...C, ...AnyOrder2<A, B>];

/** Whether the literal arguments `A` hold the option word `T` (in either case). */
export type HasToken<A extends readonly unknown[], T extends string> = Extract<A[number], RedisToken<T>> extends never ? false : true;
