// Where a run writes its files. By default into bench/out/ (git-ignored), so trying the harness
// leaves the tree clean; with --keep into the tracked folders the READMEs cite from.
import { mkdirSync } from 'node:fs';

const TRACKED = { results: 'results', 'profile-results': 'profile/results', profiles: 'profile/profiles' };

/** The directory (created, ending in /) for `kind` (results | profile-results | profiles). */
export function outputDir(kind, keep) {
  const rel = keep ? TRACKED[kind] : `out/${TRACKED[kind]}`;
  const dir = new URL(`../${rel}/`, import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A path as printed to the user: relative to the repository root. */
export function shown(path) {
  const root = new URL('../../', import.meta.url).pathname;
  return path.startsWith(root) ? path.slice(root.length) : path;
}
