// Compiled (never run) by client-types.test.ts with the workspace's strict settings: TSchema
// flows into filters, updates, results and insertedId; each `@ts-expect-error` line is misuse
// that must not compile (an unused one is itself an error, so the test sees it).
import { MongoClient, ObjectId, type Collection, type Filter, type FindCursor, type WithId } from 'resty-mongo';

interface Product {
  sku: string;
  price: number;
  tags: string[];
  stock?: { warehouse: string; count: number };
}
interface Order {
  _id: number;
  sku: string;
}

export async function typed(client: MongoClient): Promise<void> {
  const products: Collection<Product> = client.db('app').collection<Product>('products');

  // Filters: known fields with their type or operators, array elements, dotted paths as unknown.
  await products.find({ sku: 'a', price: { $gte: 1, $lt: 10 }, tags: 'sale' }).toArray();
  await products.find({ sku: /^a/, $or: [{ price: 1 }, { tags: { $all: ['x'] } }], 'stock.count': { $gt: 0 } }).toArray();
  await products.countDocuments({ price: { $in: [1, 2] }, stock: { $exists: true } });
  // @ts-expect-error price is a number
  await products.findOne({ price: 'cheap' });
  // @ts-expect-error no such field
  await products.findOne({ colour: 'red' });
  // @ts-expect-error $gt on sku takes a string
  await products.find({ sku: { $gt: 3 } }).toArray();

  // Results: WithId<Product>, with an ObjectId _id when the schema has none.
  const one = await products.findOne({ sku: 'a' });
  if (one !== null) {
    const id: ObjectId = one._id;
    const price: number = one.price;
    void [id, price];
  }
  const cursor: FindCursor<WithId<Product>> = products.find({}).sort({ price: -1 }).skip(10).limit(5);
  for await (const doc of cursor) {
    const sku: string = doc.sku;
    // @ts-expect-error not a field of Product
    void doc.colour;
    void sku;
  }
  const skus: string[] = await products
    .find({})
    .map((p) => p.sku)
    .toArray();
  const projected = await products.find({}).project<{ sku: string }>({ _id: 0, sku: 1 }).toArray();
  const firstSku: string | undefined = projected[0]?.sku;
  void [skus, firstSku];

  // insertOne: _id optional and its type in insertedId; required fields required.
  const { insertedId, acknowledged } = await products.insertOne({ sku: 'b', price: 2, tags: [] });
  const newId: ObjectId = insertedId;
  void [newId, acknowledged];
  // @ts-expect-error price is required
  await products.insertOne({ sku: 'c', tags: [] });
  const many = await products.insertMany([{ sku: 'd', price: 3, tags: ['x'] }]);
  const manyId: ObjectId | undefined = many.insertedIds[0];
  void manyId;

  // A schema with its own _id type: required on insert, and insertedId has that type.
  const orders = client.db('app').collection<Order>('orders');
  const order = await orders.insertOne({ _id: 7, sku: 'a' });
  const orderId: number = order.insertedId;
  void orderId;
  // @ts-expect-error _id is required by the schema
  await orders.insertOne({ sku: 'a' });

  // Updates: $set with known fields (or dotted paths), $inc on numbers only.
  await products.updateOne({ sku: 'a' }, { $set: { price: 3, 'stock.count': 1 }, $inc: { price: 1 } }, { upsert: true });
  // @ts-expect-error $set price to a string
  await products.updateOne({ sku: 'a' }, { $set: { price: 'x' } });
  // @ts-expect-error $inc on a string field
  await products.updateMany({}, { $inc: { sku: 1 } });
  const updated = await products.findOneAndUpdate({ sku: 'a' }, { $set: { price: 4 } }, { returnDocument: 'after' });
  const updatedPrice: number | undefined = updated?.price;
  const meta = await products.findOneAndUpdate({ sku: 'a' }, { $set: { price: 4 } }, { includeResultMetadata: true });
  const metaSku: string | undefined = meta.value?.sku;
  void [updatedPrice, metaSku];
  await products.replaceOne({ sku: 'a' }, { sku: 'a', price: 1, tags: [] });

  // distinct of a known field: its (element) type.
  const tags: string[] = await products.distinct('tags');
  void tags;

  // bulkWrite models are typed too.
  const bulk = await products.bulkWrite([
    { insertOne: { document: { sku: 'e', price: 5, tags: [] } } },
    { updateOne: { filter: { sku: 'e' }, update: { $set: { price: 6 } } } },
    { deleteMany: { filter: { price: { $lt: 0 } } } },
  ]);
  const counts: number = bulk.insertedCount + bulk.matchedCount + bulk.deletedCount;
  void counts;

  // An untyped collection takes anything.
  const loose = client.db().collection('anything');
  await loose.find({ whatever: { $gt: 1 }, nested: { deep: true } }).toArray();
  await loose.insertOne({ _id: 1, any: 'thing' }); // any _id when the schema does not say
  const looseId: ObjectId = (await loose.insertOne({ x: 1 })).insertedId;
  void looseId;
  const filter: Filter<Product> = { price: 1 };
  void filter;
}
