// The environment a report was measured in.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

export function environment(ferretdb) {
  const model = (() => {
    try {
      return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model;
    } catch {
      return cpus()[0]?.model;
    }
  })();
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    cpu: model,
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 1e9),
    kernel: run('uname', ['-sr']),
    node: process.version,
    gitSha: run('git', ['rev-parse', 'HEAD']) + (dirty ? ' (uncommitted changes)' : ''),
    servers: {
      redis: run('redis-server', ['--version']),
      'redis-benchmark': run('redis-benchmark', ['--version']),
      memcached: run('memcached', ['-V']),
      ferretdb: ferretdb ? run(ferretdb, ['--version']).split('\n')[0] : 'unknown',
    },
    loadAverageAtStart: loadavg(),
  };
}
