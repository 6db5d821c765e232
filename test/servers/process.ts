// Child-process bookkeeping for every server the harness starts, in the main
// process (shared servers) and in test workers (on-demand servers).
//
// Why a registry with synchronous hooks: vitest answers SIGINT/SIGTERM with
// process.exit() a millisecond later, so async teardown never runs on an
// interrupted run. The 'exit' hook below is synchronous (process.kill + rmSync)
// and therefore still reaps children and temp dirs in that case.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<ManagedProcess>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

/** A private temp dir, removed by removeTempDir() or at process exit at the latest. */
export function makeTempDir(label: string): string {
  installExitHooks();
  const dir = mkdtempSync(join(tmpdir(), `cosocket-test-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export interface SpawnSpec {
  /** Short label for messages, e.g. `redis-server`. */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  /** stdout and stderr go here, so a failed start can show why. */
  logFile: string;
}

/** One spawned server process; `stop`/`kill` resolve once it has exited. */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  /** Set when the spawn itself failed (e.g. ENOENT). */
  spawnError: Error | undefined;
  private readonly logStart: number;
  private done = false;
  private paused = false;

  constructor(readonly spec: SpawnSpec) {
    installExitHooks();
    // The log fd is inherited by the child; we close our copy right away. A
    // restart appends to the same file, so remember where this run's output starts.
    const fd = openSync(spec.logFile, 'a');
    this.logStart = fstatSync(fd).size;
    try {
      this.child = spawn(spec.command, spec.args, { cwd: spec.cwd, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    live.add(this);
    this.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.done) return;
        this.done = true;
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this);
        resolve();
      };
      this.child.once('exit', finish);
      // ENOENT and friends: 'exit' never comes, 'error' does.
      this.child.once('error', (err) => {
        this.spawnError = err;
        finish(null, null);
      });
    });
    // Never let a server keep a test worker alive on its own.
    this.child.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; a paused process is continued so it can see SIGTERM. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.done) return;
    this.signal('SIGTERM');
    if (this.paused) this.resume();
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Simulates a crash: SIGKILL, no chance to clean up. */
  async kill(): Promise<void> {
    if (this.done) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGSTOP: the port stays open (the kernel still completes handshakes) but nothing answers. */
  pause(): void {
    this.signal('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    this.signal('SIGCONT');
    this.paused = false;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.done || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, sig);
    } catch {
      // Already gone (ESRCH): the 'exit' event is on its way.
    }
  }

  /** The last `lines` lines this process wrote, for error messages and readiness checks. */
  logTail(lines = 20): string {
    try {
      const text = readFileSync(this.spec.logFile).subarray(this.logStart).toString('utf8');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** Kill everything still running and remove all temp dirs, synchronously. */
export function reapAllSync(): void {
  for (const p of live) {
    if (p.pid !== undefined) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  tempDirs.clear();
}

const signalNumbers = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', reapAllSync);
  for (const [sig, num] of Object.entries(signalNumbers) as [NodeJS.Signals, number][]) {
    const onSignal = () => {
      reapAllSync();
      // Adding a listener cancels Node's default "die on signal". vitest's own
      // handler (main process) exits a millisecond later; in a worker nobody else
      // may, so exit with the conventional code ourselves.
      process.exitCode ??= 128 + num;
      setTimeout(() => process.exit(), 20).unref();
    };
    process.on(sig, onSignal);
  }
  // A vitest fork worker outlives its parent when the parent is SIGTERMed or
  // SIGKILLed: it keeps running the current test, then hangs on the dead IPC
  // channel, servers and all. So when the channel closes, watch for a few
  // seconds whether we get re-parented (the parent is gone: clean up and
  // leave). The channel closes while the exiting parent is still alive, hence
  // the polling; an orderly shutdown by a live parent just lets the timer lapse.
  if (process.send !== undefined) {
    const parent = process.ppid;
    process.once('disconnect', () => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (process.ppid !== parent) {
          reapAllSync();
          process.exit(1);
        }
        if (Date.now() - started > 10_000) clearInterval(timer);
      }, 50);
      timer.unref();
    });
  }
}
