#!/usr/bin/env node
// The pack test: proves that `npm install resty-redis` works for a user, with nothing leaking
// from this workspace.
//
//  1. builds the four packages (tsc -b, incremental) and packs each with `pnpm pack`, which
//     rewrites `workspace:^` to a real range; checks every tarball's package.json and file list;
//  2. creates a project in os.tmpdir() (outside the workspace), `npm install`s the four tarballs
//     in ONE command (so resty-*'s dependency on cosocket is satisfied by the cosocket tarball),
//     plus typescript and @types/node at the workspace's versions;
//  3. compiles test/pack/app/main.ts there with the project's own tsc (strict, NodeNext) and
//     runs it with node against real servers: one round trip per client, setKeepalive, pool reuse;
//     loads the packages with require() too, and checks deep imports are blocked;
//  4. checks that every installed package's realpath is inside the temp project and that no
//     `workspace:` range is left.
//
// Servers: --redis host:port --memcached host:port --mongo host:port, or REDIS_URL,
// MEMCACHED_URL, MONGO_URL; a server given neither way is started locally on a free port
// (bench/lib/servers.mjs: redis-server, memcached, ferretdb). --keep keeps the temp dir.
// Exits 0 and prints `pack test passed` on success.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['cosocket', 'resty-redis', 'resty-memcached', 'resty-mongo'];
const REQUIRED_FILES = [
  'package.json',
  'README.md',
  'LICENSE',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/index.js.map',
  'dist/index.d.ts.map',
  'src/index.ts',
];

const { values: flags } = parseArgs({
  options: {
    redis: { type: 'string' },
    memcached: { type: 'string' },
    mongo: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

function log(line) {
  console.log(`[pack-test] ${line}`);
}

function check(ok, message) {
  if (!ok) throw new Error(`pack test: ${message}`);
}

/** host:port, redis://[user:pass@]host:port, memcached://host:port or mongodb://[user:pass@]host:port/... */
function parseAddress(text) {
  const url = new URL(text.includes('://') ? text : `tcp://${text}`);
  const address = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
  if (url.password) address.password = decodeURIComponent(url.password);
  if (url.username && url.password) address.username = decodeURIComponent(url.username);
  check(address.host && address.port > 0, `bad server address '${text}'`);
  return address;
}

/** Addresses from flags or env; anything missing is started locally and stopped by `stop()`. */
async function resolveServers() {
  const given = {
    redis: flags.redis ?? process.env.REDIS_URL,
    memcached: flags.memcached ?? process.env.MEMCACHED_URL,
    mongo: flags.mongo ?? process.env.MONGO_URL,
  };
  const started = [];
  const servers = {};
  try {
    for (const [kind, text] of Object.entries(given)) {
      if (text) {
        servers[kind] = parseAddress(text);
        continue;
      }
      const { startServer } = await import('../bench/lib/servers.mjs');
      const srv = await startServer(kind);
      started.push(srv);
      servers[kind] = { host: srv.host, port: srv.port };
      log(`started local ${kind} on ${srv.host}:${srv.port}`);
    }
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw e;
  }
  return { servers, stop: () => Promise.allSettled(started.map((s) => s.stop())) };
}

/**
 * The environment for npm and the temp project: without what pnpm exports to scripts
 * (npm_config_*, npm_package_*, NODE_PATH ...), which could point npm back at the workspace.
 * Registry, proxy and CA settings stay so a CI behind a proxy still installs.
 */
function cleanEnv() {
  const keep = /^npm_config_(registry|https?_proxy|proxy|noproxy|no_proxy|cafile|ca|strict_ssl|cache)$/i;
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key) && !keep.test(key)) continue;
    if (key === 'NODE_PATH' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

async function sh(cmd, args, cwd, env = process.env) {
  try {
    return (await run(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (e) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: e });
  }
}

function workspaceVersion(name) {
  return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Packs one package into `dir` and checks the tarball; resolves the tarball path. */
async function pack(name, dir) {
  const pkgDir = join(root, 'packages', name);
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  await sh('pnpm', ['pack', '--pack-destination', dir], pkgDir);
  const tarball = join(dir, `${name}-${version}.tgz`);
  const files = (await sh('tar', ['-tzf', tarball], dir))
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  for (const f of REQUIRED_FILES) check(files.includes(f), `${name}: ${f} missing from the tarball`);
  const stray = files.filter((f) => !/^(dist|src)\//.test(f) && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(f));
  check(stray.length === 0, `${name}: unexpected files in the tarball: ${stray.join(', ')}`);
  // tsc -b never deletes outputs of removed sources: a stale dist file would ship otherwise.
  const stale = files.filter((f) => /^dist\/.*\.js$/.test(f) && !files.includes(f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')));
  check(stale.length === 0, `${name}: dist files without a source (stale build? rm -rf dist and rebuild): ${stale.join(', ')}`);
  const manifest = await sh('tar', ['-xzOf', tarball, 'package/package.json'], dir);
  check(!manifest.includes('workspace:'), `${name}: packed package.json still has a workspace: range`);
  const deps = JSON.parse(manifest).dependencies ?? {};
  if (name !== 'cosocket') check(/^\^\d+\.\d+\.\d+/.test(deps.cosocket ?? ''), `${name}: cosocket dependency is '${deps.cosocket}'`);
  log(`packed ${name}-${version}.tgz (${files.length} files, cosocket ${deps.cosocket ?? '-'})`);
  return tarball;
}

/** Every installed package (ours and their dependencies) must live inside the temp project. */
function checkNoLeaks(project) {
  const realProject = realpathSync(project);
  const modules = join(project, 'node_modules');
  for (const name of PACKAGES) {
    const real = realpathSync(join(modules, name));
    check(real.startsWith(realProject + sep), `${name} resolves to ${real}, outside ${realProject}`);
    const manifest = readFileSync(join(real, 'package.json'), 'utf8');
    check(!manifest.includes('workspace:'), `installed ${name}/package.json has a workspace: range`);
    // One cosocket for everyone: a nested copy would mean the tarball's range did not match.
    const nested = readdirSync(real).includes('node_modules') ? readdirSync(join(real, 'node_modules')) : [];
    check(!nested.includes('cosocket'), `${name} got its own nested cosocket`);
  }
  check(!realProject.startsWith(realpathSync(root)), 'the temp project is inside the workspace');
}

function checkReport(stdout, project) {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const report = JSON.parse(last);
  const expected = {
    cosocket: '+PONG',
    redis: 'an animal',
    redisError: 'ERR',
    memcached: 'an animal',
    mongo: 'rex',
    mongoObjectId: true,
    scoped: 'PONG',
    refused: 'connection refused',
    inUse: 0,
  };
  for (const [key, value] of Object.entries(expected)) {
    check(report[key] === value, `program reported ${key} = ${JSON.stringify(report[key])}, expected ${JSON.stringify(value)}`);
  }
  check(report.redisReused >= 1, `the second Redis connect was not reused from the pool (${report.redisReused})`);
  const realProject = realpathSync(project);
  for (const url of report.resolved) {
    const path = realpathSync(fileURLToPath(url));
    check(path.startsWith(realProject + sep), `the program imported ${path}, outside the temp project`);
  }
  return report;
}

async function main() {
  const started = Date.now();
  const { servers, stop } = await resolveServers();
  const tmp = mkdtempSync(join(tmpdir(), 'cosocket-pack-'));
  const cleanup = () => {
    if (!flags.keep) rmSync(tmp, { recursive: true, force: true });
  };
  // Before bench/lib/servers.mjs's own handler, which exits at once (its exit hook kills the servers).
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.prependOnceListener(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    log(`servers: ${JSON.stringify(servers)}`);
    await sh(join(root, 'node_modules', '.bin', 'tsc'), ['-b', ...PACKAGES.map((p) => join('packages', p))], root);
    const tarballs = join(tmp, 'tarballs');
    mkdirSync(tarballs);
    const files = [];
    for (const name of PACKAGES) files.push(await pack(name, tarballs));

    const project = join(tmp, 'app');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-test-app', private: true, type: 'module' }, null, 2));
    cpSync(join(root, 'test/pack/app/tsconfig.json'), join(project, 'tsconfig.json'));
    cpSync(join(root, 'test/pack/app/main.ts'), join(project, 'src/main.ts'));
    cpSync(join(root, 'test/pack/app/require.cjs'), join(project, 'require.cjs'));
    const env = cleanEnv();
    const deps = [...files, `typescript@${workspaceVersion('typescript')}`, `@types/node@${workspaceVersion('@types/node')}`];
    await sh(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', ...deps.map((d) => (d.startsWith(tmp) ? relative(project, d) : d))],
      project,
      env,
    );
    log(`npm installed ${deps.map((d) => d.replace(`${tarballs}${sep}`, '')).join(', ')}`);
    checkNoLeaks(project);

    await sh('node', [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], project, env);
    log('compiled src/main.ts with tsc (strict, NodeNext, skipLibCheck off)');
    const out = await sh('node', [join(project, 'dist/main.js'), JSON.stringify(servers)], project, env);
    const report = checkReport(out, project);
    log(`program: ${JSON.stringify(report)}`);

    const required = await sh('node', ['--no-warnings', 'require.cjs'], project, env);
    check(!required.includes('deep import: allowed'), 'require() of a deep path worked');
    check(required.includes('deep import: ERR_PACKAGE_PATH_NOT_EXPORTED'), `require() output:\n${required}`);
    log(`require(): ${required.trim().split('\n').join('; ')}`);
    log(`pack test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    cleanup();
    await stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
