// testcontainers, used only when a container runtime answers. The module is
// imported lazily: it is large and most local runs never need it.
import type { StartedTestContainer } from 'testcontainers';
import type { ServerName } from './types.js';

/** Images and ports of the shared servers (the issue fixes the images). */
export const containerImages: Record<ServerName, { image: string; port: number; readyLog?: RegExp }> = {
  redis: { image: 'redis:7', port: 6379, readyLog: /Ready to accept connections/ },
  memcached: { image: 'memcached:1.6', port: 11211 },
  mongo: { image: 'mongo:7', port: 27017, readyLog: /Waiting for connections/ },
};

let runtimeCheck: Promise<string | undefined> | undefined;

/**
 * Resolves a short description of the container runtime, or undefined when
 * none is reachable. testcontainers answers at once when no socket exists, but
 * a DOCKER_HOST pointing at a dead TCP host could stall; the timeout bounds it.
 * `TESTCONTAINERS=off` skips the check entirely.
 */
export function containerRuntime(timeoutMs = 5000): Promise<string | undefined> {
  if (/^(off|0|false|no)$/i.test(process.env.TESTCONTAINERS ?? '')) return Promise.resolve(undefined);
  runtimeCheck ??= (async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
      timer.unref();
    });
    try {
      const check = import('testcontainers').then(async (tc) => {
        const client = await tc.getContainerRuntimeClient();
        return client.info.containerRuntime.host;
      });
      return await Promise.race([check, timeout]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  })();
  return runtimeCheck;
}

export interface StartedServerContainer {
  host: string;
  port: number;
  image: string;
  stop: () => Promise<void>;
}

/** Start the container for one shared server and wait until it is ready. */
export async function startContainer(name: ServerName): Promise<StartedServerContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { image, port, readyLog } = containerImages[name];
  let builder = new GenericContainer(image).withExposedPorts(port);
  if (readyLog) builder = builder.withWaitStrategy(Wait.forLogMessage(readyLog));
  const started: StartedTestContainer = await builder.start();
  return {
    host: started.getHost(),
    port: started.getMappedPort(port),
    image,
    stop: async () => {
      await started.stop();
    },
  };
}
