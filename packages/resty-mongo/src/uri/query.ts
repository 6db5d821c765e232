/**
 * The connection options part (`?key=value&...`): split, percent-decode, look each key up in the
 * option table (lower-casing ASCII letters only), parse the value by its type. Unknown keys and
 * invalid values warn and are ignored, except where the table says an invalid value is an error;
 * the combinations of options are checked afterwards (combinations.ts).
 */
import type { MongoParseError } from '../errors.js';
import { ALIASES, asciiLower, CANONICAL, type ConnectionStringOptions, type OptionName, specOf } from './options.js';
import { anyString, Invalid } from './values.js';

export type Fail = (problem: string) => MongoParseError;

export interface ParsedQuery {
  options: ConnectionStringOptions;
  /** Canonical names (and aliases, as written in lower case) that appeared, valid values or not. */
  present: Set<string>;
  /** Every value given to `tls` or `ssl`, in order: they must all agree. */
  tlsValues: boolean[];
}

/** Percent-decodes a part of the connection string; a bad escape is an error. `+` stays a `+`. */
export function percentDecode(text: string, what: string, fail: Fail): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw fail(`${what} has a "%" that is not followed by two hex digits (write a literal "%" as %25)`);
  }
}

export function parseQuery(query: string, fail: Fail, warnings: string[]): ParsedQuery {
  const options: Record<string, unknown> = {};
  const present = new Set<string>();
  const tlsValues: boolean[] = [];
  const seen = new Set<string>();
  const deprecated = new Map<string, { key: string; value: unknown }>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq === -1) throw fail(`option "${pair}" has no value: write key=value`);
    const key = percentDecode(pair.slice(0, eq), `option name "${pair.slice(0, eq)}"`, fail);
    const lower = asciiLower(key);
    const alias = ALIASES[lower];
    const name: OptionName | undefined = CANONICAL.get(lower) ?? alias?.target;
    if (name === undefined) {
      warnings.push(`unknown option "${key}" ignored`);
      continue;
    }
    const spec = specOf(name);
    if (seen.has(lower) && spec.repeat === 'error') throw fail(`option ${key} is given more than once`);
    if (seen.has(lower) && spec.repeat !== 'list') warnings.push(`option ${key} is given more than once: the last valid value is used`);
    seen.add(lower);
    present.add(alias === undefined ? name : lower);
    const raw = percentDecode(pair.slice(eq + 1), `the value of option ${key}`, fail);
    // A deprecated alias of one property (gssapiServiceName) takes a plain string.
    const parse = alias?.property === undefined ? spec.parse : anyString;
    const value = parse(raw, (message) => warnings.push(`option ${key}: ${message}`));
    if (value instanceof Invalid) {
      const problem = `option ${key} has an invalid value ${spec.secret ? '' : `"${raw}" `}(${value.reason})`;
      if (spec.strict) throw fail(problem);
      warnings.push(`${problem}: ignored`);
    } else if (alias?.deprecated) {
      deprecated.set(lower, { key, value });
    } else {
      if (name === 'tls') tlsValues.push(value as boolean);
      if (spec.repeat === 'list') ((options[name] ??= []) as unknown[]).push(value);
      else options[name] = value;
    }
  }
  for (const [lower, { key, value }] of deprecated) applyDeprecated(options, lower, key, value, warnings);
  return { options: options, present, tlsValues };
}

/** A deprecated spelling applies only when its replacement is absent (Connection String spec). */
function applyDeprecated(options: Record<string, unknown>, lower: string, key: string, value: unknown, warnings: string[]): void {
  const alias = ALIASES[lower];
  if (alias === undefined) return;
  const replacement = alias.property === undefined ? alias.target : `authMechanismProperties=${alias.property}:...`;
  const holder = alias.property === undefined ? options : ((options[alias.target] ??= {}) as Record<string, unknown>);
  const slot = alias.property ?? alias.target;
  if (holder[slot] !== undefined) {
    warnings.push(`deprecated option ${key} ignored: ${replacement} is given`);
    return;
  }
  warnings.push(`option ${key} is deprecated: write ${replacement}`);
  holder[slot] = value;
}
