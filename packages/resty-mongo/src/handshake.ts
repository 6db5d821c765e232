import { createRequire } from 'node:module';
import { arch, platform, release, type } from 'node:os';
import type { Document } from 'bson';
import { MongoError } from './errors.js';
import { DEFAULT_MAX_BSON_SIZE, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_WRITE_BATCH } from './wire/header.js';

/** The server limits learnt from `hello`, kept per connection (see `Mongo.limits`). */
export interface ServerLimits {
  /** Largest user document, bytes (16 MiB). */
  maxBsonObjectSize: number;
  /** Largest whole message, bytes (48,000,000); replies are read with this cap too. */
  maxMessageSizeBytes: number;
  /** Most statements in one insert/update/delete command (100,000). */
  maxWriteBatchSize: number;
  /** The newest wire protocol version the server speaks (OP_MSG needs 6). */
  maxWireVersion: number;
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxBsonObjectSize: DEFAULT_MAX_BSON_SIZE,
  maxMessageSizeBytes: DEFAULT_MAX_MESSAGE_SIZE,
  maxWriteBatchSize: DEFAULT_MAX_WRITE_BATCH,
  maxWireVersion: 0,
});

/** OP_MSG exists from wire version 6 (MongoDB 3.6). */
const MIN_WIRE_VERSION = 6;

export const DRIVER_NAME = 'resty-mongo';
/** The version in this package's package.json (one level above both src/ and dist/). */
export const DRIVER_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Client metadata, sent in the first hello of a connection only (else error 186). */
export function clientMetadata(appName?: string): Document {
  const meta: Document = {
    driver: { name: DRIVER_NAME, version: DRIVER_VERSION },
    os: { type: type(), name: platform(), architecture: arch(), version: release() },
    platform: `Node.js ${process.version}`,
  };
  if (appName !== undefined) meta.application = { name: appName.slice(0, 128) };
  return meta;
}

/** The hello command: client metadata on fresh connections, `saslSupportedMechs` when asked. */
export function helloCommand(options: { metadata?: Document; saslUser?: string }): Document {
  const cmd: Document = { hello: 1, helloOk: true };
  if (options.metadata !== undefined) cmd.client = options.metadata;
  if (options.saslUser !== undefined) cmd.saslSupportedMechs = options.saslUser;
  return cmd;
}

/** Reads and checks the limits from a hello reply; values the server omits keep their defaults. */
export function limitsFromHello(reply: Document): ServerLimits {
  const num = (value: unknown, fallback: number): number => (typeof value === 'number' && value > 0 ? value : fallback);
  const limits: ServerLimits = {
    maxBsonObjectSize: num(reply.maxBsonObjectSize, DEFAULT_MAX_BSON_SIZE),
    maxMessageSizeBytes: num(reply.maxMessageSizeBytes, DEFAULT_MAX_MESSAGE_SIZE),
    maxWriteBatchSize: num(reply.maxWriteBatchSize, DEFAULT_MAX_WRITE_BATCH),
    maxWireVersion: typeof reply.maxWireVersion === 'number' ? reply.maxWireVersion : 0,
  };
  if (limits.maxWireVersion < MIN_WIRE_VERSION) {
    throw new MongoError(
      `server maxWireVersion ${limits.maxWireVersion} is below ${MIN_WIRE_VERSION}: it does not speak OP_MSG (MongoDB 3.6+ required)`,
    );
  }
  return limits;
}
