// The official driver's CRUD usage examples (its docs' "Usage Examples" and CRUD pages, in their
// TypeScript form), written as the docs write them, with only the import changed. Each runs
// against FerretDB on a small copy of the sample data the docs assume (sample_mflix.movies,
// theaters), seeded before each example.
import { MongoBulkWriteError, MongoClient, type Document } from 'resty-mongo';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeServer } from '../../servers/index.js';

interface IMDB {
  rating: number;
  votes: number;
  id: number;
}
interface Movie {
  title: string;
  year: number;
  runtime: number;
  rated?: string;
  plot?: string;
  countries: string[];
  directors: string[];
  imdb: IMDB;
  random_review?: string;
}

const MOVIES: Movie[] = [
  {
    title: 'The Room',
    year: 2003,
    runtime: 99,
    rated: 'R',
    countries: ['USA'],
    directors: ['Tommy Wiseau'],
    imdb: { rating: 3.5, votes: 25, id: 1 },
  },
  {
    title: 'The Room',
    year: 2015,
    runtime: 118,
    rated: 'R',
    countries: ['Canada'],
    directors: ['Lenny Abrahamson'],
    imdb: { rating: 8.2, votes: 900, id: 2 },
  },
  { title: 'Cat Soup', year: 2001, runtime: 14, countries: ['Japan'], directors: ['Tatsuo Sato'], imdb: { rating: 7.5, votes: 30, id: 3 } },
  { title: 'A Boy and His Dog', year: 1975, runtime: 12, countries: ['USA'], directors: ['L.Q. Jones'], imdb: { rating: 6.6, votes: 60, id: 4 } },
  {
    title: 'The Cat from Outer Space',
    year: 1978,
    runtime: 104,
    rated: 'G',
    countries: ['USA'],
    directors: ['Norman Tokar'],
    imdb: { rating: 5.8, votes: 70, id: 5 },
  },
  {
    title: 'Annie Hall',
    year: 1977,
    runtime: 93,
    rated: 'PG',
    countries: ['USA'],
    directors: ['Woody Allen'],
    imdb: { rating: 8.1, votes: 2000, id: 6 },
  },
  {
    title: 'Santa Claus',
    year: 1959,
    runtime: 94,
    rated: 'G',
    countries: ['Mexico'],
    directors: ['René Cardona'],
    imdb: { rating: 2.6, votes: 40, id: 7 },
  },
  {
    title: 'Santa Claus: The Movie',
    year: 1985,
    runtime: 107,
    rated: 'PG',
    countries: ['USA', 'Canada'],
    directors: ['Jeannot Szwarc'],
    imdb: { rating: 5.0, votes: 80, id: 8 },
  },
  {
    title: 'Yentl',
    year: 1983,
    runtime: 132,
    rated: 'PG',
    countries: ['USA'],
    directors: ['Barbra Streisand'],
    imdb: { rating: 6.6, votes: 90, id: 9 },
  },
  {
    title: 'The Prince of Tides',
    year: 1991,
    runtime: 132,
    rated: 'R',
    countries: ['USA'],
    directors: ['Barbra Streisand'],
    imdb: { rating: 6.7, votes: 95, id: 10 },
  },
  {
    title: 'The Mirror Has Two Faces',
    year: 1996,
    runtime: 126,
    rated: 'PG-13',
    countries: ['USA'],
    directors: ['Barbra Streisand'],
    imdb: { rating: 6.6, votes: 99, id: 11 },
  },
  {
    title: 'Random Short',
    year: 2010,
    runtime: 9,
    rated: 'G',
    countries: ['Canada'],
    directors: ['Nobody'],
    imdb: { rating: 4.0, votes: 5, id: 12 },
  },
];

describeServer('mongo', 'MongoClient: the official driver usage examples', (server) => {
  const uri = server.url;
  const dbName = `sample_mflix_${process.pid}`;
  const client = new MongoClient(uri);
  const database = client.db(dbName);

  beforeAll(async () => {
    await client.connect();
  });
  beforeEach(async () => {
    const movies = database.collection<Movie>('movies');
    await movies.drop();
    await movies.insertMany(MOVIES.map((m) => ({ ...m })));
  });
  afterAll(async () => {
    await database.dropDatabase();
    await client.close();
  });

  it('insertOne: "Insert a Document"', async () => {
    interface Haiku {
      title: string;
      content: string;
    }
    const haiku = database.collection<Haiku>('haiku');
    const result = await haiku.insertOne({
      title: 'Record of a Shriveled Datum',
      content: 'No bytes, no problem. Just insert a document, in MongoDB',
    });
    const message = `A document was inserted with the _id: ${result.insertedId.toHexString()}`;
    expect(message).toMatch(/^A document was inserted with the _id: [0-9a-f]{24}$/);
    expect(await haiku.findOne({ _id: result.insertedId })).toMatchObject({ title: 'Record of a Shriveled Datum' });
  });

  it('insertMany: "Insert Multiple Documents"', async () => {
    interface Food {
      name: string;
      healthy: boolean;
    }
    const foods = database.collection<Food>('foods');
    const result = await foods.insertMany(
      [
        { name: 'cake', healthy: false },
        { name: 'lettuce', healthy: true },
        { name: 'donut', healthy: false },
      ],
      { ordered: true },
    );
    expect(`${result.insertedCount} documents were inserted`).toBe('3 documents were inserted');
    const ids = result.insertedIds;
    const lines: string[] = [];
    for (const id of Object.values(ids)) lines.push(`Inserted a document with id ${id.toHexString()}`);
    expect(lines).toHaveLength(3);
  });

  it('findOne: "Find a Document" (sort and projection)', async () => {
    const movies = database.collection<Movie>('movies');
    // Query for a movie that has the title 'The Room'
    const query = { title: 'The Room' };
    const options = {
      // Sort matched documents in descending order by rating
      sort: { 'imdb.rating': -1 as const },
      // Include only the `title` and `imdb` fields in the returned document
      projection: { _id: 0, title: 1, imdb: 1 },
    };
    const movie = await movies.findOne(query, options);
    expect(movie).toEqual({ title: 'The Room', imdb: { rating: 8.2, votes: 900, id: 2 } });
  });

  it('find: "Find Multiple Documents" (countDocuments, sort, projection, for await)', async () => {
    const movies = database.collection<Movie>('movies');
    // Query for movies that have a runtime less than 15 minutes
    const query = { runtime: { $lt: 15 } };
    const options = {
      // Sort returned documents in ascending order by title (A->Z)
      sort: { title: 1 as const },
      // Include only the `title` and `imdb` fields in each returned document
      projection: { _id: 0, title: 1, imdb: 1 },
    };
    const cursor = movies.find<Pick<Movie, 'title' | 'imdb'>>(query, options);
    // Print a message if no documents were found
    expect(await movies.countDocuments(query)).toBe(3);
    const seen: string[] = [];
    for await (const doc of cursor) seen.push(doc.title);
    expect(seen).toEqual(['A Boy and His Dog', 'Cat Soup', 'Random Short']);
  });

  it('updateOne with upsert: "Update a Document"', async () => {
    const movies = database.collection<Movie>('movies');
    const filter = { title: 'Random Harvest' };
    const options = { upsert: true };
    const updateDoc = { $set: { plot: `A harvest of random numbers, such as: ${Math.random()}` } };
    const result = await movies.updateOne(filter, updateDoc, options);
    expect(`${result.matchedCount} document(s) matched the filter, updated ${result.modifiedCount} document(s)`).toBe(
      '0 document(s) matched the filter, updated 0 document(s)',
    );
    expect(result.upsertedCount).toBe(1);
    expect(await movies.findOne({ _id: result.upsertedId! })).toMatchObject({ title: 'Random Harvest' });
    const again = await movies.updateOne(filter, { $set: { plot: 'twice' } }, options);
    expect(again).toEqual({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
  });

  it('updateMany: "Update Multiple Documents"', async () => {
    const movies = database.collection<Movie>('movies');
    const result = await movies.updateMany(
      { rated: 'G' },
      { $set: { random_review: `After viewing I am ${100 * Math.random()}% more satisfied with life.` } },
    );
    expect(`Updated ${result.modifiedCount} documents`).toBe('Updated 3 documents');
    expect(await movies.countDocuments({ random_review: { $exists: true } })).toBe(3);
  });

  it('replaceOne: "Replace a Document"', async () => {
    const movies = database.collection('movies');
    const query = { title: { $regex: 'The Cat from' } };
    const replacement = { title: `The Cat from Sector ${Math.floor(Math.random() * 1000) + 1}` };
    const result = await movies.replaceOne(query, replacement);
    expect(`Modified ${result.modifiedCount} document(s)`).toBe('Modified 1 document(s)');
    const replaced = await movies.findOne({ title: replacement.title });
    expect(Object.keys(replaced!)).toEqual(['_id', 'title']);
  });

  it('deleteOne: "Delete a Document"', async () => {
    const movies = database.collection<Movie>('movies');
    const query = { title: 'Annie Hall' };
    const result = await movies.deleteOne(query);
    expect(result.deletedCount === 1 ? 'Successfully deleted one document.' : 'No documents matched the query. Deleted 0 documents.').toBe(
      'Successfully deleted one document.',
    );
  });

  it('deleteMany: "Delete Multiple Documents"', async () => {
    const movies = database.collection<Movie>('movies');
    const query = { title: { $regex: 'Santa' } };
    const result = await movies.deleteMany(query);
    expect(`Deleted ${result.deletedCount} documents`).toBe('Deleted 2 documents');
  });

  it('countDocuments and estimatedDocumentCount: "Count Documents"', async () => {
    const movies = database.collection<Movie>('movies');
    const estimate = await movies.estimatedDocumentCount();
    expect(`Estimated number of documents in the movies collection: ${estimate}`).toBe('Estimated number of documents in the movies collection: 12');
    const query = { countries: 'Canada' };
    const countCanada = await movies.countDocuments(query);
    expect(`Number of movies from Canada: ${countCanada}`).toBe('Number of movies from Canada: 3');
  });

  it('distinct: "Retrieve Distinct Values of a Field"', async () => {
    const movies = database.collection<Movie>('movies');
    const fieldName = 'year';
    const query = { directors: 'Barbra Streisand' };
    const distinctValues = await movies.distinct(fieldName, query);
    expect(distinctValues.sort()).toEqual([1983, 1991, 1996]);
  });

  it('bulkWrite: "Perform Bulk Operations" (theaters)', async () => {
    interface Address {
      street1: string;
      city: string;
      state: string;
      zipcode: string;
    }
    interface Theater {
      location: { address: Address };
      is_in_ohio?: boolean;
    }
    const theaters = database.collection<Theater>('theaters');
    await theaters.insertOne({ location: { address: { street1: '221b Baker St', city: 'London', state: 'UK', zipcode: 'NW1' } } });
    const result = await theaters.bulkWrite([
      { insertOne: { document: { location: { address: { street1: '3 Main St.', city: 'Anchorage', state: 'AK', zipcode: '99501' } } } } },
      { insertOne: { document: { location: { address: { street1: '75 Penn Plaza', city: 'New York', state: 'NY', zipcode: '10001' } } } } },
      { updateMany: { filter: { 'location.address.zipcode': '44011' }, update: { $set: { is_in_ohio: true } }, upsert: true } },
      { deleteOne: { filter: { 'location.address.street1': '221b Baker St' } } },
    ]);
    expect(result).toMatchObject({ acknowledged: true, insertedCount: 2, matchedCount: 0, modifiedCount: 0, deletedCount: 1, upsertedCount: 1 });
    expect(Object.keys(result.insertedIds)).toEqual(['0', '1']);
    expect(Object.keys(result.upsertedIds)).toEqual(['2']);
    expect(await theaters.countDocuments()).toBe(3);
  });

  it('bulkWrite with replaceOne, and its per-operation errors (ordered and unordered)', async () => {
    const coll = database.collection<{ _id: number; x?: number; y?: number }>('bulk');
    await coll.insertOne({ _id: 1, x: 1 });
    const replaced = await coll.bulkWrite([{ replaceOne: { filter: { _id: 1 }, replacement: { y: 2 } } }]);
    expect(replaced).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, y: 2 });

    const ops = [
      { insertOne: { document: { _id: 2 } } },
      { insertOne: { document: { _id: 1 } } }, // duplicate key
      { updateOne: { filter: { _id: 2 }, update: { $set: { x: 2 } } } },
    ];
    const ordered = await coll.bulkWrite(ops).catch((e: unknown) => e);
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    const o = ordered as MongoBulkWriteError;
    expect(o.writeErrors).toMatchObject([{ index: 1, code: 11000 }]);
    expect(o.writeErrors[0]!.errmsg).toMatch(/duplicate key/);
    expect(o.result).toMatchObject({ insertedCount: 1, matchedCount: 0, insertedIds: { 0: 2 } });
    expect(o).toMatchObject({ code: 11000, address: `${server.host}:${server.port}`, command: 'insert', insertedCount: 1 });

    await coll.deleteOne({ _id: 2 });
    const unordered = (await coll.bulkWrite(ops, { ordered: false }).catch((e: unknown) => e)) as MongoBulkWriteError;
    expect(unordered).toBeInstanceOf(MongoBulkWriteError);
    expect(unordered.writeErrors.map((e) => e.index)).toEqual([1]);
    expect(unordered.result).toMatchObject({ insertedCount: 1, matchedCount: 1, modifiedCount: 1 });
  });

  it('findOneAndUpdate, findOneAndReplace, findOneAndDelete (driver v6: the document or null)', async () => {
    const movies = database.collection<Movie>('movies');
    const updated = await movies.findOneAndUpdate({ title: 'Yentl' }, { $set: { plot: 'A woman disguises herself' } }, { returnDocument: 'after' });
    expect(updated?.plot).toBe('A woman disguises herself');
    const before = await movies.findOneAndUpdate({ title: 'Yentl' }, { $inc: { runtime: 1 } });
    expect(before?.runtime).toBe(132);
    const meta = await movies.findOneAndUpdate({ title: 'Yentl' }, { $inc: { runtime: 1 } }, { includeResultMetadata: true });
    expect(meta.ok).toBe(1);
    expect(meta.value?.runtime).toBe(133);
    expect(meta.lastErrorObject).toMatchObject({ n: 1, updatedExisting: true });

    const replaced = await movies.findOneAndReplace(
      { title: 'Cat Soup' },
      {
        title: 'Cat Soup (restored)',
        year: 2001,
        runtime: 34,
        countries: ['Japan'],
        directors: ['Tatsuo Sato'],
        imdb: { rating: 7.6, votes: 31, id: 3 },
      },
      { returnDocument: 'after' },
    );
    expect(replaced).toMatchObject({ title: 'Cat Soup (restored)', runtime: 34 });
    // The projection is sent (as findAndModify's `fields`); FerretDB 1.24 does not implement it.
    const projected = await movies
      .findOneAndUpdate({ title: 'Yentl' }, { $set: { year: 1983 } }, { projection: { title: 1 } })
      .catch((e: unknown) => e);
    if (server.product === 'ferretdb') expect(projected).toMatchObject({ code: 238, message: expect.stringContaining('"fields"') as unknown });
    else expect(projected).toMatchObject({ title: 'Yentl' });

    const deleted = await movies.findOneAndDelete({ directors: 'Barbra Streisand' }, { sort: { year: -1 } });
    expect(deleted?.title).toBe('The Mirror Has Two Faces');
    expect(await movies.findOneAndDelete({ title: 'nothing like it' })).toBeNull();
  });

  it('aggregate: "Aggregation" ($match, $group) with for await', async () => {
    const movies = database.collection<Movie>('movies');
    const pipeline = [{ $match: { rated: { $in: ['G', 'PG'] } } }, { $group: { _id: '$rated', count: { $sum: 1 } } }, { $sort: { _id: 1 } }];
    const aggCursor = movies.aggregate<{ _id: string; count: number }>(pipeline);
    const out: Document[] = [];
    for await (const doc of aggCursor) out.push(doc);
    expect(out).toEqual([
      { _id: 'G', count: 3 },
      { _id: 'PG', count: 3 },
    ]);
  });

  it('indexes: createIndex (single, compound, unique), listIndexes, dropIndex, createIndexes, dropIndexes', async () => {
    const movies = database.collection<Movie>('movies');
    expect(await movies.createIndex({ title: 1 })).toBe('title_1');
    expect(await movies.createIndex({ year: 1, runtime: -1 })).toBe('year_1_runtime_-1');
    const theaters = database.collection('theaters');
    expect(await theaters.createIndex({ theaterId: 1 }, { unique: true })).toBe('theaterId_1');
    const names: string[] = [];
    for await (const index of movies.listIndexes()) names.push(index.name as string);
    expect(names.sort()).toEqual(['_id_', 'title_1', 'year_1_runtime_-1']);
    await movies.dropIndex('title_1');
    expect(await movies.indexExists('title_1')).toBe(false);
    expect(await movies.createIndexes([{ key: { 'imdb.rating': -1 } }, { key: { rated: 1 }, name: 'by_rating' }])).toEqual([
      'imdb.rating_-1',
      'by_rating',
    ]);
    expect(await movies.dropIndexes()).toBe(true);
    expect((await movies.indexes()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('run a command: "Run a Command" (dbStats), listCollections, createCollection, dropCollection', async () => {
    const result = await database.command({ dbStats: 1 });
    expect(result).toMatchObject({ db: dbName, ok: 1 });
    await database.createCollection('reviews');
    const names = (await database.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('reviews');
    expect(await database.dropCollection('reviews')).toBe(true);
    expect((await database.collections()).map((c) => c.collectionName)).not.toContain('reviews');
  });
});
