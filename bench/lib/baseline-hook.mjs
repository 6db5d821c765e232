// Loaded with `node --import` into the profiler's `base` child: our four packages resolve to the
// build of an earlier commit in $BENCH_BASELINE (made by bench/lib/baseline.sh), everything
// else as usual, so the same scenario code measures ours before and after a change.
import { register } from 'node:module';

register('./baseline-resolve.mjs', import.meta.url, { data: { dir: process.env.BENCH_BASELINE } });
