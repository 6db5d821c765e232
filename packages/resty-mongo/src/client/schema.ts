import type { Binary, BSONRegExp, Decimal128, Document, Double, Int32, Long, ObjectId, Timestamp } from 'bson';

/**
 * How a collection's `TSchema` flows into filters, updates and results: shallow on purpose.
 * Known top-level fields are typed (a value of the field's type, or a query operator on it),
 * dotted paths (`'address.city'`) are allowed with any value, and an unknown top-level field is
 * an error unless `TSchema` has an index signature (the default `Document` has one).
 */

/** The `_id` type of a schema: its declared `_id`, else `ObjectId` (what the client generates). */
export type InferIdType<TSchema> = TSchema extends { _id: infer Id }
  ? Id
  : TSchema extends { _id?: infer Id }
    ? unknown extends Id
      ? ObjectId
      : Id
    : ObjectId;

/** `Omit` that keeps an index signature (`Omit<Document, '_id'>` would otherwise keep nothing else). */
export type EnhancedOmit<T, K extends PropertyKey> = string extends keyof T ? T : T extends unknown ? Pick<T, Exclude<keyof T, K>> : never;

/** A document as read back: with its `_id`. */
export type WithId<TSchema> = EnhancedOmit<TSchema, '_id'> & { _id: InferIdType<TSchema> };

/** A document without its `_id`. */
export type WithoutId<TSchema> = Omit<TSchema, '_id'>;

/** A document to insert: `_id` optional (generated when missing); any `_id` for a schema with an index signature. */
export type OptionalId<TSchema> = string extends keyof TSchema ? TSchema : EnhancedOmit<TSchema, '_id'> & { _id?: InferIdType<TSchema> };

/** A document to insert: `_id` optional unless the schema requires it. */
export type OptionalUnlessRequiredId<TSchema> = TSchema extends { _id: unknown } ? TSchema : OptionalId<TSchema>;

/** A dotted path (`'a.b'`, `'tags.0'`), allowed with any value: the types stay shallow. */
export type DottedPaths = { [path: `${string}.${string}`]: unknown };

/** BSON type names and numbers `$type` accepts. */
export type BSONTypeAlias =
  | 'double'
  | 'string'
  | 'object'
  | 'array'
  | 'binData'
  | 'objectId'
  | 'bool'
  | 'date'
  | 'null'
  | 'regex'
  | 'int'
  | 'timestamp'
  | 'long'
  | 'decimal'
  | 'number'
  | 'minKey'
  | 'maxKey';

/** The query operators on one field of type `T`. */
export interface FilterOperators<T> {
  $eq?: T;
  $ne?: T;
  $gt?: T;
  $gte?: T;
  $lt?: T;
  $lte?: T;
  $in?: readonly T[];
  $nin?: readonly T[];
  $exists?: boolean;
  $type?: BSONTypeAlias | number | readonly (BSONTypeAlias | number)[];
  $not?: T extends string ? FilterOperators<T> | RegExp | BSONRegExp : FilterOperators<T>;
  $regex?: T extends string ? RegExp | BSONRegExp | string : never;
  $options?: T extends string ? string : never;
  $mod?: T extends number ? [number, number] : never;
  $all?: T extends readonly unknown[] ? readonly unknown[] : never;
  $elemMatch?: T extends readonly unknown[] ? Document : never;
  $size?: T extends readonly unknown[] ? number : never;
  $bitsAllSet?: number | Binary | readonly number[];
  $bitsAnySet?: number | Binary | readonly number[];
  $bitsAllClear?: number | Binary | readonly number[];
  $bitsAnyClear?: number | Binary | readonly number[];
  $geoWithin?: Document;
  $geoIntersects?: Document;
  $near?: Document;
  $nearSphere?: Document;
  $maxDistance?: number;
  $minDistance?: number;
}

/** What a filter may say about one field: a value (an element, for an array field), a regex for a string, or operators. */
export type Condition<T> =
  T | (T extends readonly (infer E)[] ? E | FilterOperators<E> : never) | (T extends string ? RegExp | BSONRegExp : never) | FilterOperators<T>;

/** Operators at the top of a filter. */
export interface RootFilterOperators<TSchema> {
  $and?: Filter<TSchema>[];
  $or?: Filter<TSchema>[];
  $nor?: Filter<TSchema>[];
  $expr?: Document;
  $text?: { $search: string; $language?: string; $caseSensitive?: boolean; $diacriticSensitive?: boolean };
  $where?: string;
  $comment?: string | Document;
  $jsonSchema?: Document;
}

/** A query filter on `TSchema` (anything, for a schema with an index signature such as the default `Document`). */
export type Filter<TSchema> = string extends keyof TSchema
  ? Document
  : { [K in keyof WithId<TSchema>]?: Condition<WithId<TSchema>[K]> } & RootFilterOperators<TSchema> & DottedPaths;

/** Known fields with a value of their own type, and dotted paths. */
export type MatchKeysAndValues<TSchema> = { readonly [K in keyof TSchema]?: TSchema[K] } & DottedPaths;

/** The numeric BSON values `$inc` and `$mul` take. */
export type NumericType = number | bigint | Int32 | Long | Double | Decimal128;

/** The keys of `TSchema` whose values are of type `V` (every key when `TSchema` has an index signature). */
export type KeysOfType<TSchema, V> = string extends keyof TSchema
  ? string
  : { [K in keyof TSchema]-?: NonNullable<TSchema[K]> extends V ? K : never }[keyof TSchema];

/** Only the fields of a given type (`$inc` on numbers, `$push` on arrays), and dotted paths. */
export type OnlyFieldsOfType<TSchema, FieldType, AssignableType = FieldType> = {
  readonly [K in KeysOfType<TSchema, FieldType>]?: AssignableType;
} & DottedPaths;

/** An update document on `TSchema`. */
export interface UpdateFilter<TSchema> {
  $set?: MatchKeysAndValues<TSchema>;
  $setOnInsert?: MatchKeysAndValues<TSchema>;
  $unset?: OnlyFieldsOfType<TSchema, unknown, '' | true | 1>;
  $inc?: OnlyFieldsOfType<TSchema, NumericType>;
  $mul?: OnlyFieldsOfType<TSchema, NumericType>;
  $min?: MatchKeysAndValues<TSchema>;
  $max?: MatchKeysAndValues<TSchema>;
  $rename?: Record<string, string>;
  $currentDate?: OnlyFieldsOfType<TSchema, Date | Timestamp, true | { $type: 'date' | 'timestamp' }>;
  $push?: OnlyFieldsOfType<TSchema, readonly unknown[], unknown>;
  $addToSet?: OnlyFieldsOfType<TSchema, readonly unknown[], unknown>;
  $pull?: OnlyFieldsOfType<TSchema, readonly unknown[], unknown>;
  $pullAll?: OnlyFieldsOfType<TSchema, readonly unknown[], readonly unknown[]>;
  $pop?: OnlyFieldsOfType<TSchema, readonly unknown[], 1 | -1>;
  $bit?: OnlyFieldsOfType<TSchema, NumericType, { and?: number } | { or?: number } | { xor?: number }>;
}

/** A sort direction. */
export type SortDirection = 1 | -1 | 'asc' | 'desc' | 'ascending' | 'descending' | { $meta: string };

/** A sort, in any of the driver's spellings: `{ a: 1 }`, `'a'`, `['a', 'b']`, `[['a', -1]]`, `['a', -1]`, a Map. */
export type Sort =
  | string
  | readonly string[]
  | { readonly [key: string]: SortDirection }
  | ReadonlyMap<string, SortDirection>
  | readonly (readonly [string, SortDirection])[]
  | readonly [string, SortDirection];
