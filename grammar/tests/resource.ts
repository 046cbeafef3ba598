// A sample resource.ts for the grammar tests: SQL inside a.handler.inlineSql(...) in each string form.
import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { schema as generatedSqlSchema } from './schema.sql';

// Not SQL: an ordinary string that happens to read like SQL, and a comment naming inlineSql('SELECT 1').
const greeting = 'SELECT is just a word here';

const schema = generatedSqlSchema.addToSchema({
  listEventWithCoord: a
    .query()
    .returns(a.ref('EventWithCoord').array())
    .authorization((allow) => allow.authenticated())
    .handler(
      a.handler.inlineSql(
        `SELECT id, name, ST_X(geom) AS longitude FROM events WHERE id = :id;`,
      ),
    ),
  countNotes: a
    .query()
    .returns(a.integer())
    .authorization((allow) => allow.authenticated())
    .handler(a.handler.inlineSql('SELECT count(*) FROM notes')),
  oneNote: a
    .query()
    .returns(a.string())
    .authorization((allow) => allow.authenticated())
    .handler(a.handler.inlineSql("SELECT content FROM notes WHERE id = 1")),
  multiLine: a
    .query()
    .returns(a.string())
    .authorization((allow) => allow.authenticated())
    .handler(
      a.handler.inlineSql(`
        SELECT n.content
        FROM notes AS n
        JOIN events e ON e.id = n.id
      `),
    ),
});

export type Schema = ClientSchema<typeof schema>;
export const data = defineData({ schema });
