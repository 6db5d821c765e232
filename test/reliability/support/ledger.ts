// The ledger: concurrent writers, each write with a unique id, while a chaos loop injects
// faults at random moments. Every write ends in one of three states: acknowledged (the client
// said it succeeded), failed after it may have reached the server (sent, then an error), or
// never sent (the connect failed). The checks afterwards: every acknowledged write is on the
// server exactly once; a failed one is there at most once; nothing is there twice (a silent
// resend would show as a second application).
import { sleep } from '@cosocket/test-kit';
import { count, peak } from './stats.js';

export type WriteResult = 'ack' | 'failed' | 'unsent';

export interface LedgerRun {
  acked: string[];
  failed: string[];
  unsent: number;
}

export interface LedgerOptions {
  writers: number;
  /** One write of `id`; resolves how it ended (it must not throw). */
  write: (id: string, writer: number) => Promise<WriteResult>;
  /** Runs the fault cycles; the writers stop when it resolves. */
  chaos: () => Promise<void>;
  /** Pause between a writer's writes (ms), to spread writes over the chaos. */
  pauseMs?: number;
}

export async function runLedger(opts: LedgerOptions): Promise<LedgerRun> {
  const run: LedgerRun = { acked: [], failed: [], unsent: 0 };
  let stop = false;
  let inFlight = 0;
  const writer = async (w: number): Promise<void> => {
    for (let seq = 0; !stop; seq++) {
      const id = `${w}-${seq}`;
      inFlight++;
      peak('peakConcurrentTasks', inFlight);
      const result = await opts.write(id, w);
      inFlight--;
      count('ledgerWrites');
      if (result === 'ack') run.acked.push(id);
      else if (result === 'failed') run.failed.push(id);
      else run.unsent++;
      if (result !== 'ack')
        await sleep(5 + Math.random() * 20); // a dead server: do not spin
      else if (opts.pauseMs) await sleep(Math.random() * opts.pauseMs);
    }
  };
  const writers = Array.from({ length: opts.writers }, (_, w) => writer(w));
  try {
    await opts.chaos();
  } finally {
    stop = true;
    await Promise.all(writers);
  }
  return run;
}

export interface LedgerVerdict {
  lost: string[];
  duplicated: string[];
  /** Ids on the server that no write attempted. */
  foreign: string[];
}

/** Compares a run with what the server holds (`applied`: id -> times applied). */
export function judge(run: LedgerRun, applied: Map<string, number>): LedgerVerdict {
  const lost: string[] = [];
  const duplicated: string[] = [];
  for (const id of run.acked) {
    const n = applied.get(id) ?? 0;
    if (n === 0) lost.push(id);
    if (n > 1) duplicated.push(id);
  }
  for (const id of run.failed) if ((applied.get(id) ?? 0) > 1) duplicated.push(id);
  const attempted = new Set([...run.acked, ...run.failed]);
  const foreign = [...applied.keys()].filter((id) => !attempted.has(id));
  count('acknowledgedWrites', run.acked.length);
  count('acknowledgedLost', lost.length);
  count('duplicates', duplicated.length);
  return { lost, duplicated, foreign };
}

/** A random duration in [min, max) ms. */
export const between = (min: number, max: number) => min + Math.random() * (max - min);
