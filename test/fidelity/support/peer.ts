import { join } from 'node:path';
import { scriptedServer, type ScriptedConnection, type ScriptedServer } from '@cosocket/test-kit';
import { makeTempDir, removeTempDir } from '../../servers/process.js';
import { expandBytes, type PeerStep } from './scenario.js';
import { quote } from './transcript.js';

/**
 * The scripted peer of one run of a scenario: a loopback TCP listener and a unix-socket
 * listener, both serving the k-th accepted connection (counted across the two) with the k-th
 * script. It logs what it read, per connection, so both runs also compare what was sent.
 */
export interface Peer {
  readonly host: string;
  readonly port: number;
  readonly unixPath: string;
  /** Lets scripts still running finish (bounded), closes both listeners, returns the log. */
  finish(): Promise<string[]>;
}

/** How long scripts may keep running after the client side finished. */
const SETTLE_MS = 100;

export async function startPeer(scripts: PeerStep[][]): Promise<Peer> {
  const dir = makeTempDir('fidelity-peer');
  const unixPath = join(dir, 'peer.sock');
  const logs: string[][] = [];
  const running: Promise<void>[] = [];
  const handler = (conn: ScriptedConnection): void => {
    const k = logs.length;
    const log: string[] = [];
    logs.push(log);
    running.push(play(conn, scripts[k] ?? [], log));
  };
  let tcpServer: ScriptedServer | undefined;
  let unixServer: ScriptedServer | undefined;
  try {
    tcpServer = await scriptedServer(handler);
    unixServer = await scriptedServer(handler, { path: unixPath });
  } catch (error) {
    await tcpServer?.close();
    removeTempDir(dir);
    throw error;
  }
  const tcp = tcpServer;
  const unix = unixServer;
  return {
    host: tcp.host,
    port: tcp.port,
    unixPath,
    async finish() {
      // Connections the client opened just before it finished may not be accepted yet.
      await new Promise((r) => setTimeout(r, 20));
      await Promise.race([Promise.allSettled(running), new Promise((r) => setTimeout(r, SETTLE_MS))]);
      await Promise.all([tcp.close(), unix.close()]);
      await Promise.allSettled(running);
      removeTempDir(dir);
      const lines = logs.flatMap((log, k) => log.map((entry) => `peer\tconn ${k}\t${entry}`));
      lines.push(`peer\taccepted\t${logs.length}`);
      return lines;
    },
  };
}

async function play(conn: ScriptedConnection, steps: PeerStep[], log: string[]): Promise<void> {
  try {
    for (const step of steps) {
      if ('write' in step) await conn.write(Buffer.from(expandBytes(step.write), 'latin1'));
      else if ('sleep' in step) await new Promise((r) => setTimeout(r, step.sleep));
      else if ('readLine' in step) log.push(`read ${quote(await conn.readUntil('\n'))}`);
      else if ('read' in step) log.push(`read ${quote(await conn.read(step.read))}`);
      else if ('end' in step) conn.end();
      else if ('reset' in step) conn.reset();
      else if ('pause' in step) conn.socket.pause();
      else {
        await conn.closed;
        log.push('closed');
      }
    }
  } catch {
    // The client closed (or the run ended) while the script waited to read or write.
    log.push('eof');
  }
}
