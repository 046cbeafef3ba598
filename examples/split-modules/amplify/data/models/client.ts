import { a } from '@aws-amplify/backend';

export const Client = a
  .model({
    name: a.string().required(),
    email: a.email(),
    phone: a.phone(),
    // every invoice points back with clientId
    invoices: a.hasMany('Invoice', 'clientId'),
  })
  // owners manage their clients; accountants may only read them
  .authorization((allow) => [
    allow.owner(),
    allow.group('Accountants').to(['read']),
  ]);
