import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { Binary, type Document } from 'bson';
import { MongoAuthError } from '../errors.js';
import { saslprep } from './saslprep.js';

/**
 * SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802 / 7677 as MongoDB profiles them, auth spec §2.11):
 * saslStart with the client-first message, saslContinue with the proof, the server signature
 * checked in constant time, then empty saslContinue rounds until `done` (FerretDB always needs
 * one). No secret (password, salted password, keys, proof) ever appears in an error message.
 * An answer that cannot be trusted is a `MongoAuthError` naming the command it answered
 * (`saslStart`, `saslContinue`); the connection adds its address.
 */
export type ScramMechanism = 'SCRAM-SHA-1' | 'SCRAM-SHA-256';

export const MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-1'];

/** Runs one command on the connection being authenticated; throws on `ok: 0`. */
export type RunCommand = (db: string, command: Document) => Promise<Document>;

export interface Credentials {
  username: string;
  password: string;
  /** The database holding the user (default `admin`). */
  source: string;
  mechanism: ScramMechanism;
}

interface HashSpec {
  hash: 'sha1' | 'sha256';
  length: number;
}

const HASHES: Record<ScramMechanism, HashSpec> = {
  'SCRAM-SHA-1': { hash: 'sha1', length: 20 },
  'SCRAM-SHA-256': { hash: 'sha256', length: 32 },
};

/** Downgrade protection: servers must not ask for fewer PBKDF2 iterations than this. */
const MIN_ITERATIONS = 4096;
/** Rounds of empty saslContinue accepted after the proof before giving up. */
const MAX_EMPTY_ROUNDS = 2;

/** `=` → `=3D` and `,` → `=2C`, every occurrence (the Node driver escapes only the first). */
export function escapeUsername(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

export function clientFirstBare(username: string, nonce: string): string {
  return `n=${escapeUsername(username)},r=${nonce}`;
}

export interface ServerFirst {
  nonce: string;
  salt: Buffer;
  iterations: number;
}

/** Parses `r=...,s=...,i=...` and checks it against our nonce. */
export function parseServerFirst(text: string, clientNonce: string): ServerFirst {
  const fields = parseFields(text);
  if (fields.e !== undefined) throw new MongoAuthError(`SCRAM server error: ${fields.e}`, { command: 'saslStart' });
  const nonce = fields.r;
  const salt = fields.s;
  const iterations = Number(fields.i);
  if (nonce === undefined || salt === undefined || fields.i === undefined)
    throw new MongoAuthError('SCRAM: malformed server-first message', { command: 'saslStart' });
  if (!nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) {
    throw new MongoAuthError('SCRAM: the server nonce does not extend the client nonce', { command: 'saslStart' });
  }
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS) {
    throw new MongoAuthError(`SCRAM: the server asked for ${fields.i} iterations (at least ${MIN_ITERATIONS} required)`, { command: 'saslStart' });
  }
  return { nonce, salt: Buffer.from(salt, 'base64'), iterations };
}

function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

export interface ScramKeys {
  clientKey: Buffer;
  serverKey: Buffer;
}

/** The PBKDF2 input: md5 pre-digest for SHA-1 (MongoDB's variant), SASLprep for SHA-256. */
export function passwordInput(mechanism: ScramMechanism, username: string, password: string): string {
  if (mechanism === 'SCRAM-SHA-1') return createHash('md5').update(`${username}:mongo:${password}`, 'utf8').digest('hex');
  return saslprep(password);
}

/**
 * Keys derived from a password are cached (keyed by a digest of the password, never the
 * password itself): PBKDF2 with 15,000 iterations on every new connection is measurable CPU.
 */
const keyCache = new Map<string, ScramKeys>();
const KEY_CACHE_LIMIT = 64;

export async function deriveKeys(
  mechanism: ScramMechanism,
  username: string,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<ScramKeys> {
  const { hash, length } = HASHES[mechanism];
  const input = passwordInput(mechanism, username, password);
  const cacheKey = [mechanism, createHash('sha256').update(input).digest('base64'), salt.toString('base64'), iterations].join('\0');
  const cached = keyCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const salted = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(input, salt, iterations, length, hash, (error, key) => (error ? reject(error) : resolve(key))),
  );
  const keys = { clientKey: hmac(hash, salted, 'Client Key'), serverKey: hmac(hash, salted, 'Server Key') };
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(cacheKey, keys);
  return keys;
}

function hmac(hash: string, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest();
}

export interface ClientFinal {
  /** `c=biws,r=...,p=...` */
  message: string;
  /** The server signature we expect in `v=`. */
  serverSignature: Buffer;
}

/** Computes the client-final message (with the proof) and the expected server signature. */
export function clientFinal(
  mechanism: ScramMechanism,
  keys: ScramKeys,
  firstBare: string,
  serverFirstText: string,
  serverNonce: string,
): ClientFinal {
  const { hash } = HASHES[mechanism];
  const withoutProof = `c=biws,r=${serverNonce}`;
  const authMessage = `${firstBare},${serverFirstText},${withoutProof}`;
  const storedKey = createHash(hash).update(keys.clientKey).digest();
  const signature = hmac(hash, storedKey, authMessage);
  const proof = Buffer.alloc(keys.clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = keys.clientKey[i]! ^ signature[i]!;
  return { message: `${withoutProof},p=${proof.toString('base64')}`, serverSignature: hmac(hash, keys.serverKey, authMessage) };
}

/** Checks the server-final message `v=<signature>` in constant time. */
export function verifyServerFinal(text: string, expected: Buffer): void {
  const fields = parseFields(text);
  if (fields.e !== undefined) throw new MongoAuthError(`SCRAM server error: ${fields.e}`, { command: 'saslContinue' });
  if (fields.v === undefined) throw new MongoAuthError('SCRAM: the server did not send its signature', { command: 'saslContinue' });
  const got = Buffer.from(fields.v, 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw new MongoAuthError('SCRAM: the server signature does not match (the server does not know the password)', { command: 'saslContinue' });
  }
}

/** A fresh client nonce: 24 bytes from the CSPRNG, base64. */
export function makeNonce(): string {
  return randomBytes(24).toString('base64');
}

/** The reply's SASL payload as text; `command` names the reply's command in the error. */
function payloadText(reply: Document, command: 'saslStart' | 'saslContinue'): string {
  const payload = reply.payload as unknown;
  if (payload instanceof Binary) return Buffer.from(payload.buffer.buffer, payload.buffer.byteOffset, payload.position).toString('utf8');
  if (typeof payload === 'string') return payload;
  throw new MongoAuthError('SCRAM: the server reply has no payload', { command });
}

function binary(text: string): Binary {
  return new Binary(Buffer.from(text, 'utf8'), 0);
}

/** Runs the whole SCRAM conversation over `run`. */
export async function authenticateScram(run: RunCommand, creds: Credentials, nonce = makeNonce()): Promise<void> {
  const { username, password, source, mechanism } = creds;
  const firstBare = clientFirstBare(username, nonce);
  const start = await run(source, {
    saslStart: 1,
    mechanism,
    payload: binary(`n,,${firstBare}`),
    autoAuthorize: 1,
    options: { skipEmptyExchange: true },
  });
  const serverFirstText = payloadText(start, 'saslStart');
  const serverFirst = parseServerFirst(serverFirstText, nonce);
  const keys = await deriveKeys(mechanism, username, password, serverFirst.salt, serverFirst.iterations);
  const final = clientFinal(mechanism, keys, firstBare, serverFirstText, serverFirst.nonce);
  const conversationId = start.conversationId as unknown;
  let reply = await run(source, { saslContinue: 1, conversationId, payload: binary(final.message) });
  verifyServerFinal(payloadText(reply, 'saslContinue'), final.serverSignature);
  for (let round = 0; reply.done !== true; round++) {
    if (round >= MAX_EMPTY_ROUNDS) throw new MongoAuthError('SCRAM: the server did not finish the conversation', { command: 'saslContinue' });
    reply = await run(source, { saslContinue: 1, conversationId, payload: new Binary(Buffer.alloc(0), 0) });
  }
}
