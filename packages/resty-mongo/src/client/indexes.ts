import type { Document } from 'bson';
import { copyOptions, indexSpec } from '../collection-commands.js';
import type { IndexDescription, CreateIndexesOptions } from './options.js';
import type { Sort } from './schema.js';
import { formatSort } from './sort.js';

/** An index key pattern in any of the driver's spellings: `{ a: 1 }`, `'a'`, `[['a', 1], ['b', -1]]`, `{ body: 'text' }`, ... */
export type IndexSpecification = Sort;

/** Options of `createIndexes` that belong to the command, not to each index. */
const COMMAND_FIELDS = ['commitQuorum', 'comment', 'maxTimeMS'] as const;

/** The `createIndexes` command for these indexes; each gets its default name when it has none. */
export function createIndexesCommand(collection: string, indexes: readonly IndexDescription[], options: CreateIndexesOptions): Document {
  if (!Array.isArray(indexes) || indexes.length === 0) throw new TypeError('createIndexes needs a non-empty array of index descriptions');
  const { commitQuorum, comment, maxTimeMS, ...indexOptions } = options;
  const specs = indexes.map((index: IndexDescription) => {
    const { key, ...rest } = index as { key: unknown } & Record<string, unknown>;
    if (key === null || typeof key !== 'object') throw new TypeError('each index description needs a key document');
    return indexSpec(key, { ...indexOptions, ...rest });
  });
  return copyOptions({ createIndexes: collection, indexes: specs }, { commitQuorum, comment, maxTimeMS }, COMMAND_FIELDS);
}

/** One index description from `createIndex(spec, options)`'s spelling. */
export function describeIndex(spec: IndexSpecification): IndexDescription {
  const key = formatSort(spec);
  if (key === undefined || Object.keys(key).length === 0) throw new TypeError('createIndex needs at least one field');
  return { key };
}
