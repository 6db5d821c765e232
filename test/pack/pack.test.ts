// Runs scripts/pack-test.mjs against the harness's shared servers: the four packages are packed,
// installed with npm into a project in os.tmpdir() and used from a strict TypeScript program
// there (see the script's header). Needs network access to the npm registry for typescript,
// @types/node and the packages' own dependencies.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { requireServer } from '../servers/index.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/pack-test.mjs', import.meta.url));
const servers = { redis: requireServer('redis'), memcached: requireServer('memcached'), mongo: requireServer('mongo') };
const missing = Object.values(servers).find((s) => s.skip);

/** The temp dirs the script creates; the test checks it removed its own. */
const packDirs = () => new Set(readdirSync(tmpdir()).filter((d) => d.startsWith('cosocket-pack-')));

describe.skipIf(missing !== undefined)(missing ? `pack test [${missing.reason}]` : 'pack test', () => {
  it('installs the packed tarballs outside the workspace and runs a TypeScript program on them', { timeout: 240_000 }, async () => {
    const before = packDirs();
    const args = [
      script,
      '--redis',
      servers.redis.url,
      '--memcached',
      `${servers.memcached.host}:${servers.memcached.port}`,
      '--mongo',
      servers.mongo.url,
    ];
    let stdout: string;
    try {
      ({ stdout } = await run(process.execPath, args, { timeout: 220_000, maxBuffer: 16 * 1024 * 1024 }));
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`pack test failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`, { cause: e });
    }
    expect(stdout).toMatch(/pack test passed/);
    expect(stdout).toMatch(/"inUse":0/);
    const leftOver = [...packDirs()].filter((d) => !before.has(d));
    expect(leftOver).toEqual([]);
  });
});
