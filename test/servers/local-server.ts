// A server binary bound to one loopback port and one private temp dir, with the
// lifecycle the on-demand API exposes: start, stop, kill, pause, resume, and
// restart on the same port.
import { join } from 'node:path';
import { ManagedProcess, makeTempDir, removeTempDir } from './process.js';
import { freePort, waitUntil } from './ports.js';

export interface ReadyContext {
  host: string;
  port: number;
  pid: number | undefined;
  /** The server's output so far. */
  log: () => string;
}

export interface LocalServerSpec {
  /** Binary label used in messages and temp-dir names, e.g. `redis-server`. */
  label: string;
  command: string;
  /** Arguments for this port and dir; called again on each (re)start. */
  args: (port: number, dir: string) => string[];
  /** Resolves once *our* process answers (check `pid` or the log: the port may
   * briefly belong to someone else); rejects, and is retried, until then. */
  ready: (ctx: ReadyContext) => Promise<unknown>;
  /** Called once per dir before the first start (config files, certificates). */
  prepare?: (dir: string, port: number) => Promise<void> | void;
  startTimeoutMs?: number;
}

// A port picked by freePort() can be grabbed by someone else before the server
// binds it (parallel workers do this). Those are the messages the servers print.
const portInUse = /address already in use|EADDRINUSE|failed to listen|bind: /i;

export class LocalServer {
  readonly host = '127.0.0.1';
  port = 0;
  readonly dir: string;
  readonly logFile: string;
  private proc: ManagedProcess | undefined;
  private prepared = false;

  constructor(private readonly spec: LocalServerSpec) {
    this.dir = makeTempDir(spec.label);
    this.logFile = join(this.dir, 'server.log');
  }

  get pid(): number | undefined {
    return this.proc?.running ? this.proc.pid : undefined;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /** Start on a fresh free port (first start) or on the current port (restart). */
  async start(): Promise<void> {
    if (this.running) return;
    const keepPort = this.port !== 0;
    for (let attempt = 1; ; attempt++) {
      if (!keepPort) this.port = await freePort(this.host);
      if (!this.prepared) {
        await this.spec.prepare?.(this.dir, this.port);
        this.prepared = true;
      }
      try {
        await this.spawnAndWait();
        return;
      } catch (err) {
        const clash = portInUse.test(this.proc?.logTail(5) ?? '');
        if (!clash || keepPort || attempt >= 3) throw err;
      }
    }
  }

  private async spawnAndWait(): Promise<void> {
    const proc = new ManagedProcess({
      label: this.spec.label,
      command: this.spec.command,
      args: this.spec.args(this.port, this.dir),
      cwd: this.dir,
      logFile: this.logFile,
    });
    this.proc = proc;
    const what = `${this.spec.label} on ${this.host}:${this.port}`;
    try {
      const ctx: ReadyContext = { host: this.host, port: this.port, pid: proc.pid, log: () => proc.logTail(200) };
      await waitUntil(what, () => this.spec.ready(ctx), {
        timeoutMs: this.spec.startTimeoutMs ?? 20_000,
        gaveUp: () => {
          if (proc.spawnError) return `cannot run ${this.spec.command}: ${proc.spawnError.message}`;
          if (!proc.running) return `exited (code ${proc.exitCode}, signal ${proc.exitSignal})`;
          return undefined;
        },
      });
    } catch (err) {
      await proc.kill();
      const tail = proc.logTail();
      throw new Error(`${(err as Error).message}${tail ? `\n--- ${this.logFile} ---\n${tail}` : ''}`, { cause: err });
    }
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  async kill(): Promise<void> {
    await this.proc?.kill();
  }

  pause(): void {
    this.proc?.pause();
  }

  resume(): void {
    this.proc?.resume();
  }

  /** Stop (gracefully) if running, then start again on the same port and wait until ready. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stop and remove the temp dir; the object is unusable afterwards. */
  async dispose(): Promise<void> {
    await this.stop();
    removeTempDir(this.dir);
  }

  logTail(lines = 50): string {
    return this.proc?.logTail(lines) ?? '';
  }
}
