// The product catalogue in MongoDB: one collection, one document per product, unique by `sku`.

/** What a product looks like to clients: no `_id`, so cached and fresh answers are identical. */
const PUBLIC = { projection: { _id: 0 } };

export const SAMPLE_PRODUCTS = [
  { sku: 'mug-01', name: 'Enamel mug', price: 12.5, stock: 40 },
  { sku: 'pot-02', name: 'Moka pot, 6 cups', price: 34, stock: 12 },
  { sku: 'grn-03', name: 'Hand grinder', price: 58, stock: 5 },
  { sku: 'kte-04', name: 'Gooseneck kettle', price: 45, stock: 9 },
];

/**
 * @param {import('resty-mongo').MongoClient} mongo
 * @param {string} database
 */
export function productCollection(mongo, database) {
  return mongo.db(database).collection('products');
}

export async function findProduct(mongo, database, sku) {
  return productCollection(mongo, database).findOne({ sku }, PUBLIC);
}

export async function listProducts(mongo, database) {
  return productCollection(mongo, database).find({}, PUBLIC).sort({ sku: 1 }).limit(100).toArray();
}

/** Replaces the catalogue with `products` (the sample set by default) and indexes `sku`. */
export async function seedProducts(mongo, database, products = SAMPLE_PRODUCTS) {
  const col = productCollection(mongo, database);
  await col.drop();
  await col.createIndex({ sku: 1 }, { unique: true });
  await col.insertMany(products.map((p) => ({ ...p })));
  return products.length;
}
