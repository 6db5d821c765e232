/**
 * A developer check, not part of CI: runs the JSON tests of the MongoDB specifications against
 * `parseConnectionString` and `credentialFromUri`. The tests are not in this repository (their
 * licence and their churn are the specifications'); point `MONGODB_SPECIFICATIONS` at the
 * `source/` directory of a checkout of https://github.com/mongodb/specifications (or at the
 * checkout itself), e.g.
 *
 *   git clone --depth 1 https://github.com/mongodb/specifications /tmp/mongo-specs
 *   MONGODB_SPECIFICATIONS=/tmp/mongo-specs/source pnpm vitest run packages/resty-mongo/test/uri/spec-json.test.ts
 *
 * Without the variable the suite is skipped. Files read (a missing one is skipped):
 *   connection-string/tests/*.json, uri-options/tests/*.json      hosts, auth, options, warnings
 *   auth/tests/legacy/connection-string.json                      the credential
 *   read-write-concern/tests/connection-string/*.json             readConcern, writeConcern
 * As the tests' READMEs say: a `null` field is not asserted; options are compared by name
 * without letter case, and only the options a test lists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MongoParseError } from '../../src/errors.js';
import { credentialFromUri, parseConnectionString, type ParsedConnectionString } from '../../src/uri/index.js';

interface SpecTest {
  description: string;
  uri: string;
  valid: boolean;
  warning?: boolean | null;
  hosts?: Array<{ type?: string; host: string; port: number | null }> | null;
  auth?: { username: string | null; password: string | null; db: string | null } | null;
  options?: Record<string, unknown> | null;
  credential?: Record<string, unknown> | null;
  readConcern?: Record<string, unknown>;
  writeConcern?: Record<string, unknown>;
}

/**
 * The tests we knowingly fail, by file and description, with why. Each is listed as skipped so
 * that the count stays visible.
 */
const DEVIATIONS: Record<string, string> = {
  'auth/tests/legacy/connection-string.json: should use username and password if specified (MONGODB-AWS)':
    'stale: since 2025-09-30 the auth spec forbids AWS credentials in the URI, and the same file expects user:pass with MONGODB-AWS to be invalid',
  'auth/tests/legacy/connection-string.json: should use username, password and session token if specified (MONGODB-AWS)':
    'stale, as above (and AWS_SESSION_TOKEN in the URI is invalid in the same file)',
  'read-write-concern/tests/connection-string/write-concern.json: wtimeoutMS as an invalid number':
    'contradicts uri-options concern-options.json, where a negative wTimeoutMS warns and is ignored (we follow the URI Options tests)',
};

const root = process.env.MONGODB_SPECIFICATIONS;
const source = root === undefined ? undefined : existsSync(join(root, 'source')) ? join(root, 'source') : root;

function jsonFiles(dir: string): string[] {
  if (source === undefined || !existsSync(join(source, dir))) return [];
  return readdirSync(join(source, dir))
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${dir}/${name}`);
}

function testsOf(file: string): SpecTest[] {
  return (JSON.parse(readFileSync(join(source ?? '', file), 'utf8')) as { tests: SpecTest[] }).tests;
}

/** Runs each test of `file`, or lists it as skipped when it is a known deviation. */
function eachTest(file: string, run: (test: SpecTest) => void): void {
  describe(file, () => {
    for (const test of testsOf(file)) {
      const deviation = DEVIATIONS[`${file}: ${test.description}`];
      if (deviation !== undefined) it.skip(`${test.description} [deviation: ${deviation}]`, () => {});
      else it(test.description, () => run(test));
    }
  });
}

/** Our value of option `name`, found without letter case. */
function optionOf(parsed: ParsedConnectionString, name: string): unknown {
  const entry = Object.entries(parsed.options).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry?.[1];
}

function expectInvalid(uri: string, parse: (uri: string) => unknown): void {
  expect(() => parse(uri)).toThrow(MongoParseError);
}

function checkParse(test: SpecTest): void {
  if (!test.valid) return expectInvalid(test.uri, parseConnectionString);
  const parsed = parseConnectionString(test.uri);
  if (typeof test.warning === 'boolean') expect(parsed.warnings.length > 0, `warnings: ${JSON.stringify(parsed.warnings)}`).toBe(test.warning);
  if (test.hosts) {
    expect(parsed.hosts).toEqual(test.hosts.map((h) => ({ type: h.type ?? expect.any(String), host: h.host, port: h.port ?? null })));
  }
  if (test.auth) expect(parsed.auth).toEqual(test.auth);
  for (const [name, value] of Object.entries(test.options ?? {})) expect(optionOf(parsed, name), `option ${name}`).toEqual(value);
}

function checkCredential(test: SpecTest): void {
  if (!test.valid) return expectInvalid(test.uri, credentialFromUri);
  const credential = credentialFromUri(test.uri);
  const expected = test.credential ?? null;
  if (expected === null) return void expect(credential).toBeNull();
  expect(credential).toEqual({
    username: expected.username,
    password: expected.password,
    source: expected.source,
    mechanism: expected.mechanism,
    mechanismProperties: expected.mechanism_properties,
  });
}

function checkConcern(test: SpecTest): void {
  if (!test.valid) return expectInvalid(test.uri, parseConnectionString);
  const parsed = parseConnectionString(test.uri);
  if (typeof test.warning === 'boolean') expect(parsed.warnings.length > 0).toBe(test.warning);
  const { readConcernLevel, w, wTimeoutMS, journal } = parsed.options;
  const drop = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  if (test.readConcern) expect(drop({ level: readConcernLevel })).toEqual(test.readConcern);
  if (test.writeConcern) expect(drop({ w, wtimeoutMS: wTimeoutMS, journal })).toEqual(test.writeConcern);
}

(source === undefined ? describe.skip : describe)('MongoDB specification JSON tests (MONGODB_SPECIFICATIONS)', () => {
  for (const file of [...jsonFiles('connection-string/tests'), ...jsonFiles('uri-options/tests')]) eachTest(file, checkParse);
  for (const file of jsonFiles('auth/tests/legacy').filter((f) => f.endsWith('/connection-string.json'))) eachTest(file, checkCredential);
  for (const file of jsonFiles('read-write-concern/tests/connection-string')) eachTest(file, checkConcern);
  // A describe.skip with no test reports nothing: say why.
  if (source === undefined) it('needs MONGODB_SPECIFICATIONS', () => {});
});
