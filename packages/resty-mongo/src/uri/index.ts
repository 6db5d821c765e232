/**
 * MongoDB connection strings: `parseConnectionString` (public), and for the client and the SRV
 * resolver the credential a string configures and the combination checks.
 */
export {
  parseConnectionString,
  credentialFromUri,
  type ParsedConnectionString,
  type ConnectionStringAuth,
  type ConnectionStringHost,
  type ConnectionStringOptions,
  type HostType,
} from './connection-string.js';
export type { MongoCredential } from './auth-rules.js';
export { checkCombinations, type CombinationContext } from './combinations.js';
export { maskConnectionString } from './mask.js';
export type { AuthMechanism, ReadPreferenceMode } from './options.js';
export type { Compressor } from './values.js';
