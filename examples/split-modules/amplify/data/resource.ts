import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { Client, Invoice, catalogModels } from './models';
import { inventorySchema } from './inventory';

const appSchema = a.schema({
  Client,
  Invoice,
  ...catalogModels,
  AuditEntry: a
    // written by the backend, read by the accountants
    .model({
      action: a.string().required(),
      entity: a.string(),
      actor: a.string(),
    })
    /* the actor owns the entry:
       .authorization((allow) => [allow.owner()]) was the first attempt */
    .authorization((a) => [a.ownerDefinedIn('actor').to(['read']), a.group('Accountants')]),
});

const schema = a.combine([appSchema, inventorySchema]);

export type Schema = ClientSchema<typeof schema>;

export const data = defineData({
  schema,
  authorizationModes: {
    defaultAuthorizationMode: 'userPool',
    apiKeyAuthorizationMode: { expiresInDays: 30 },
  },
});
