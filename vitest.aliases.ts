import { fileURLToPath } from 'node:url';

// Tests import the packages (and the test kit) by their npm names; point those at the sources
// so a test run never depends on a stale dist/. Shared by vitest.config.ts and the soak config.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const src = (pkg: string) => here(`./packages/${pkg}/src/index.ts`);

export const alias = {
  cosocket: src('cosocket'),
  'resty-redis': src('resty-redis'),
  'resty-memcached': src('resty-memcached'),
  'resty-mongo': src('resty-mongo'),
  '@cosocket/test-kit': here('./test/kit/index.ts'),
};
