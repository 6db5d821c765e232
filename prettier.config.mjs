// Prettier for the TypeScript and JavaScript sources (`pnpm format`; `pnpm lint` checks it).
// The options follow the code as it was written before a formatter ran, to keep the first
// `pnpm format` small: single quotes, semicolons, trailing commas, `(x) =>`. The width is
// measured, not chosen: hand-wrapped code here runs to about 150 columns (p99.9 of the code
// lines in packages/*/src is 141-158), and 150 is where the fewest lines move in either
// direction (fewer is more re-wrapping, more is more joining). Comments are not re-wrapped.
/** @type {import('prettier').Config} */
export default {
  printWidth: 150,
  singleQuote: true,
  trailingComma: 'all',
  arrowParens: 'always',
};
