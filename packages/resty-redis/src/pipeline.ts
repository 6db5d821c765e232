import { RequestBuilder, type Encoded } from './encoder.js';
import { OBSERVED_COMMANDS } from './session.js';

/** A command queued in a pipeline whose reply changes the session state. */
export interface ObservedOp {
  index: number;
  lower: string;
  args: readonly unknown[];
}

/** The commands queued between `initPipeline` and `commitPipeline`. */
export class PipelineQueue {
  /** Every queued command, for one write. */
  readonly request = new RequestBuilder();
  /** The queued commands whose replies the session state follows. */
  readonly observed: ObservedOp[] = [];
  /** The name of each queued command, which the error replies among the results name. */
  readonly names: string[] = [];
  /** The first command refused while queueing: the commit rejects with it and sends nothing. */
  refused: Error | null = null;

  add(name: string, lower: string, args: readonly unknown[], encoded: Encoded): void {
    if (OBSERVED_COMMANDS.has(lower)) this.observed.push({ index: this.request.count, lower, args });
    this.names.push(name);
    this.request.add(encoded);
  }
}
