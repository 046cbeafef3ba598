import { a } from '@aws-amplify/backend';

// Catalog models, spread into the schema as a map.
export const catalogModels = {
  Currency: a.enum(['EUR', 'USD', 'GBP']),

  Category: a
    .model({
      name: a.string().required(),
      products: a.hasMany('Product', 'categoryId'),
    })
    .authorization((allow) => allow.publicApiKey().to(['read'])),

  Product: a
    .model({
      sku: a.string().required(),
      title: a.string().required(),
      price: a.float(),
      currency: a.ref('Currency'),
      categoryId: a.id(),
      category: a.belongsTo('Category', 'categoryId'),
    })
    .identifier(['sku'])
    .authorization((allow) => [
      allow.publicApiKey().to(['read']),
      // allow.authenticated().to(['read']),
      allow.group('Accountants'),
    ]),
};
