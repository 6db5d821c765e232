// The module resolve hook behind bench/lib/baseline-hook.mjs.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const OURS = new Set(['cosocket', 'resty-redis', 'resty-memcached', 'resty-mongo']);
let dir = null;

export function initialize(data) {
  dir = data.dir;
  for (const name of OURS) {
    if (!existsSync(`${dir}/packages/${name}/dist/index.js`))
      throw new Error(`baseline ${dir}: packages/${name}/dist/index.js missing (build it with bench/lib/baseline.sh)`);
  }
}

export function resolve(specifier, context, nextResolve) {
  if (OURS.has(specifier)) return { url: pathToFileURL(`${dir}/packages/${specifier}/dist/index.js`).href, shortCircuit: true };
  return nextResolve(specifier, context);
}
