import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { schema as sqlSchema } from './schema.sql';

// DynamoDB part: per-user data that lives outside the blog database.
const ddbSchema = a.schema({
  Theme: a.enum(['LIGHT', 'DARK', 'SYSTEM']),

  UserPreference: a
    .model({
      theme: a.ref('Theme'),
      emailDigest: a.boolean().default(true),
      followedAuthorIds: a.integer().array(),
    })
    .authorization((allow) => [allow.owner()]),

  Bookmark: a
    .model({
      postId: a.integer().required(),
      note: a.string(),
    })
    .secondaryIndexes((index) => [index('postId')])
    .authorization((allow) => [allow.owner()]),
});

// SQL part: the generated blog schema (PostgreSQL), renamed, with auth, relationships and custom SQL.
const blogSchema = sqlSchema
  .renameModels(() => [
    ['authors', 'Author'],
    ['posts', 'Post'],
    ['post_views', 'PostView'],
  ])
  .setAuthorization((models) => [
    models.Author.authorization((allow) => [
      allow.authenticated().to(['read']),
      allow.ownerDefinedIn('owner'),
      allow.group('Editors'),
    ]),
    // Only the author and the editors may see an author's phone number.
    models.Author.fields.phone.authorization((allow) => [allow.ownerDefinedIn('owner'), allow.group('Editors')]),
    models.Post.authorization((allow) => [
      allow.guest().to(['read']),
      allow.authenticated().to(['read']),
      allow.ownerDefinedIn('owner'),
      allow.group('Editors'),
    ]),
    models.PostView.authorization((allow) => [allow.group('Editors')]),
  ])
  .setRelationships((models) => [
    models.Author.relationships({
      posts: a.hasMany('Post', 'author_id'),
    }),
    models.Post.relationships({
      author: a.belongsTo('Author', 'author_id'),
      views: a.hasMany('PostView', 'post_id'),
    }),
    models.PostView.relationships({
      post: a.belongsTo('Post', 'post_id'),
    }),
  ])
  .addToSchema({
    PostViewTotal: a.customType({
      post_id: a.integer(),
      title: a.string(),
      slug: a.string(),
      total_views: a.integer(),
    }),

    searchPublishedPosts: a
      .query()
      .arguments({
        term: a.string().required(),
        maxResults: a.integer().required(),
      })
      .returns(a.ref('Post').array())
      .authorization((allow) => [allow.guest(), allow.authenticated()])
      .handler(
        a.handler.inlineSql(
          `
          SELECT * FROM posts
          WHERE status = 'published'
            AND (title ILIKE '%' || :term || '%' OR body ILIKE '%' || :term || '%')
          ORDER BY published_at DESC
          LIMIT :maxResults;
          `,
        ),
      ),

    topPosts: a
      .query()
      .arguments({
        since: a.date().required(),
        maxResults: a.integer().required(),
      })
      .returns(a.ref('PostViewTotal').array())
      .authorization((allow) => [allow.group('Editors')])
      .handler(a.handler.sqlReference('./sql/topPosts.sql')),

    publishPost: a
      .mutation()
      .arguments({ id: a.integer().required() })
      .returns(a.ref('Post').array())
      .authorization((allow) => [allow.group('Editors')])
      .handler(
        a.handler.inlineSql(
          `UPDATE posts SET status = 'published', published_at = now() WHERE id = :id RETURNING *;`,
        ),
      ),
  });

const schema = a.combine([ddbSchema, blogSchema]);

export type Schema = ClientSchema<typeof schema>;

export const data = defineData({
  schema,
  authorizationModes: {
    defaultAuthorizationMode: 'userPool',
  },
});
