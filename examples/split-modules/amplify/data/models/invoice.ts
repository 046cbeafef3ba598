import { a } from '@aws-amplify/backend';

/** An invoice sent to a client. Amounts are in the invoice's currency. */
export const Invoice = a
  .model({
    number: a.string().required(),
    clientId: a.id(),
    client: a.belongsTo('Client', 'clientId'),
    issuedOn: a.date().required(),
    amount: a.float().required(),
    currency: a.ref('Currency'),
    status: a.enum(['DRAFT', 'SENT', 'PAID', 'VOID']),
    /* the warehouse that shipped the goods (inventory database, not a relationship) */
    warehouseCode: a.string(),
  })
  .secondaryIndexes((index) => [index('clientId').sortKeys(['issuedOn'])])
  .authorization((allow) => [allow.owner(), allow.group('Accountants')]);
