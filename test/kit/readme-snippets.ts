import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

/** A ```ts block of a README, with the `## ` heading it sits under. */
export interface ReadmeSnippet {
  heading: string;
  code: string;
}

/**
 * The ```ts blocks of `readme` (a path), each with its `## ` heading; with `until`, only those
 * before the first line starting with it (a client README's client part ends at
 * `## The layer underneath`). What the README tests run, so a README shows code that works.
 */
export function readmeSnippets(readme: string, options: { until?: string } = {}): ReadmeSnippet[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const out: ReadmeSnippet[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (options.until !== undefined && line.startsWith(options.until)) break;
    if (line.startsWith('## ')) heading = line.slice(3);
    if (line !== '```ts') continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    out.push({ heading, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

let modules = 0;

/**
 * Runs `code` as a module written beside `near` (so its imports resolve as the tests' do) and
 * resolves with what it printed through `console.log` (silenced meanwhile). A snippet that
 * throws rejects with its error.
 */
export async function runSnippet(code: string, near: URL): Promise<string[]> {
  const file = fileURLToPath(new URL(`./.readme-snippet-${process.pid}-${++modules}.ts`, near));
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
  writeFileSync(file, `${code}\nexport {};\n`);
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    rmSync(file, { force: true });
    log.mockRestore();
  }
  return printed;
}
