// vitest globalSetup of the `integration` project: provides Redis, Memcached and
// MongoDB addresses to the test files (inject('redis') etc., typed in
// test/servers/types.ts). See test/README.md for how each server is found.
//
// Runs in vitest's main process. Servers start in parallel; whatever started is
// stopped by the returned teardown, and by the synchronous exit hook in
// test/servers/process.ts if the run is interrupted.
import type { TestProject } from 'vitest/node';
import { selectServer, type SelectedServer } from './servers/select.js';
import type { ServerName } from './servers/types.js';

const names: ServerName[] = ['redis', 'memcached', 'mongo'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const results = await Promise.allSettled(names.map((name) => selectServer(name)));
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async () => {
    await Promise.allSettled(started.map((s) => s.stop()));
  };

  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
  if (failures.length > 0) {
    await stopAll();
    const error = new Error(failures.map((e) => e.message).join('\n'));
    error.name = failures[0]?.name ?? 'Error';
    throw error;
  }

  for (const [i, name] of names.entries()) {
    const selected = started[i] as SelectedServer;
    project.provide(name, selected.slot);
    console.log(selected.logLine);
  }
  console.log(`servers ready in ${Date.now() - t0} ms`);
  return stopAll;
}
