import type { Document } from 'bson';
import type { Sort, SortDirection } from './schema.js';

/**
 * The driver's sort and index-key spellings as the document the server takes: `'a'`, `['a', 'b']`,
 * `[['a', -1], ['b', 1]]`, `['a', -1]`, a Map or `{ a: 1 }`, with `asc`/`desc`/`ascending`/
 * `descending` turned into 1/-1. `direction` applies to a single field name (`sort('a', -1)`).
 */
export function formatSort(sort: Sort | undefined, direction?: SortDirection): Document | undefined {
  if (sort === undefined) return undefined;
  if (typeof sort === 'string') return { [sort]: directionOf(direction ?? 1) };
  if (sort instanceof Map) return Object.fromEntries([...(sort as ReadonlyMap<string, SortDirection>)].map(([k, v]) => [k, directionOf(v)]));
  if (Array.isArray(sort)) {
    const list = sort as readonly unknown[];
    // ['a', -1]: one pair, not two field names.
    if (list.length === 2 && typeof list[0] === 'string' && !isFieldName(list[1])) return { [list[0]]: directionOf(list[1] as SortDirection) };
    const out: Document = {};
    for (const item of list) {
      if (typeof item === 'string') out[item] = 1;
      else if (Array.isArray(item) && typeof item[0] === 'string') out[item[0]] = directionOf(item[1] as SortDirection);
      else throw new TypeError(`bad sort item ${JSON.stringify(item)}`);
    }
    return out;
  }
  const out: Document = {};
  for (const [key, value] of Object.entries(sort as Document)) out[key] = directionOf(value as SortDirection);
  return out;
}

function isFieldName(value: unknown): boolean {
  return typeof value === 'string' && !['asc', 'desc', 'ascending', 'descending'].includes(value.toLowerCase());
}

/** 1 / -1 for the words; numbers, `{ $meta }` and index types (`'text'`, `'2dsphere'`, `'hashed'`) as given. */
function directionOf(value: SortDirection): unknown {
  if (typeof value !== 'string') return value;
  switch (value.toLowerCase()) {
    case 'asc':
    case 'ascending':
      return 1;
    case 'desc':
    case 'descending':
      return -1;
    default:
      return value;
  }
}
