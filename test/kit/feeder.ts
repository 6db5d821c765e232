// A scripted server that plays back one script per connection: chunks written one network
// write at a time (with a turn of the event loop between them, so they tend to arrive as
// separate reads), then FIN or RST. Property tests use it to push random bytes and random
// splits through a real cosocket, one connection per case. A network-fault simulator like
// scriptedServer (which it runs on), never a stand-in for a real server.
import { afterAll, beforeAll } from 'vitest';
import { scriptedServer, type ScriptedConnection, type ScriptedServer } from './scripted-server.js';

export interface Script {
  chunks: Buffer[];
  /** How the server ends: FIN after the bytes, RST after the bytes, or stay open. */
  end: 'fin' | 'rst' | 'open';
}

export interface Feeder {
  readonly host: string;
  readonly port: number;
  /** The script the next accepted connection plays. */
  next(script: Script): void;
  close(): Promise<void>;
}

export async function feeder(): Promise<Feeder> {
  const queue: Script[] = [];
  const play = async ({ socket }: ScriptedConnection): Promise<void> => {
    socket.setNoDelay(true);
    const script = queue.shift() ?? { chunks: [], end: 'fin' };
    for (const chunk of script.chunks) {
      if (socket.destroyed) return;
      socket.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (script.end === 'fin') socket.end();
    else if (script.end === 'rst') socket.resetAndDestroy();
  };
  const server: ScriptedServer = await scriptedServer(play);
  return { host: server.host, port: server.port, next: (script) => void queue.push(script), close: () => server.close() };
}

/**
 * A feeder for the enclosing describe block (or file): listening before its tests, closed after
 * them. The object may be captured at collection time; it reaches the feeder when used.
 */
export function suiteFeeder(): Feeder {
  let started: Feeder | undefined;
  beforeAll(async () => {
    started = await feeder();
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): Feeder => {
    if (started === undefined) throw new Error('suiteFeeder used outside the tests of its suite');
    return started;
  };
  return {
    get host() {
      return current().host;
    },
    get port() {
      return current().port;
    },
    next: (script) => current().next(script),
    close: () => current().close(),
  };
}
