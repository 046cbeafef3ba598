import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { sendReminder } from '../functions/send-reminder/resource';

/*
 * A to-do app: projects own to-dos, to-dos have comments, customers place orders.
 * DynamoDB only (no SQL database).
 */
const schema = a
  .schema({
    Priority: a.enum(['LOW', 'MEDIUM', 'HIGH', 'URGENT']),

    Address: a.customType({
      street: a.string(),
      city: a.string().required(),
      postalCode: a.string(),
      country: a.string(),
    }),

    ReminderResult: a.customType({
      delivered: a.boolean().required(),
      todoId: a.id(),
    }),

    TodoStats: a.customType({
      projectId: a.id().required(),
      open: a.integer(),
      done: a.integer(),
    }),

    WeatherForecast: a.customType({
      city: a.string(),
      temperature: a.float(),
      summary: a.string(),
    }),

    Project: a
      .model({
        name: a.string().required(),
        description: a.string(),
        status: a.enum(['ACTIVE', 'ON_HOLD', 'ARCHIVED']),
        color: a.string(),
        todos: a.hasMany('Todo', 'projectId'),
      })
      .authorization((allow) => [allow.owner(), allow.group('Admins')]),

    Todo: a
      .model({
        content: a.string().required(),
        done: a.boolean().default(false),
        priority: a.ref('Priority'),
        dueDate: a.date(),
        tags: a.string().array(),
        location: a.customType({
          lat: a.float(),
          lng: a.float(),
        }),
        projectId: a.id(),
        project: a.belongsTo('Project', 'projectId'),
        comments: a.hasMany('Comment', 'todoId'),
        assignee: a.string(),
      })
      .secondaryIndexes((index) => [
        index('projectId').sortKeys(['dueDate']).queryField('listTodosByProject'),
        index('assignee'),
      ])
      .authorization((allow) => [
        allow.owner(),
        allow.ownerDefinedIn('assignee').to(['read', 'update']),
        allow.group('Admins'),
      ]),

    Comment: a
      .model({
        body: a.string().required(),
        todoId: a.id().required(),
        todo: a.belongsTo('Todo', 'todoId'),
        author: a.string(),
      })
      .authorization((allow) => [allow.ownerDefinedIn('author'), allow.authenticated().to(['read'])]),

    Customer: a
      .model({
        customerId: a.id().required(),
        email: a.email().required(),
        name: a.string(),
        phone: a.phone(),
        address: a.ref('Address'),
        tier: a.enum(['FREE', 'PRO', 'ENTERPRISE']),
        orders: a.hasMany('Order', 'customerId'),
        profile: a.hasOne('CustomerProfile', 'customerId'),
      })
      .identifier(['customerId'])
      .authorization((allow) => [allow.groups(['Admins', 'Support']), allow.publicApiKey().to(['read'])]),

    CustomerProfile: a
      .model({
        customerId: a.id().required(),
        avatarUrl: a.url(),
        bio: a.string(),
        customer: a.belongsTo('Customer', 'customerId'),
      })
      .identifier(['customerId'])
      .authorization((allow) => [allow.groups(['Admins', 'Support'])]),

    Order: a
      .model({
        orderId: a.string().required(),
        placedAt: a.datetime().required(),
        customerId: a.id().required(),
        total: a.float().required(),
        status: a.enum(['PENDING', 'PAID', 'SHIPPED', 'CANCELLED']),
        customer: a.belongsTo('Customer', 'customerId'),
      })
      .identifier(['orderId', 'placedAt'])
      .secondaryIndexes((index) => [index('customerId').sortKeys(['placedAt']).name('byCustomer')])
      .authorization((allow) => [allow.groups(['Admins', 'Support']), allow.owner().to(['read'])]),

    // Custom operations
    getWeather: a
      .query()
      .arguments({ city: a.string().required() })
      .returns(a.ref('WeatherForecast'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function('weatherFunction')),

    getTodoStats: a
      .query()
      .arguments({ projectId: a.id().required() })
      .returns(a.ref('TodoStats'))
      .authorization((allow) => [allow.authenticated()])
      .handler(
        a.handler.custom({
          dataSource: a.ref('Todo'),
          entry: './getTodoStats.js',
        }),
      ),

    sendReminder: a
      .mutation()
      .arguments({ todoId: a.id().required(), message: a.string() })
      .returns(a.ref('ReminderResult'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.function(sendReminder)),

    completeTodo: a
      .mutation()
      .arguments({ id: a.id().required() })
      .returns(a.ref('Todo'))
      .authorization((allow) => [allow.authenticated()])
      .handler(
        a.handler.custom({
          dataSource: a.ref('Todo'),
          entry: './completeTodo.js',
        }),
      ),

    onTodoCompleted: a
      .subscription()
      .for(a.ref('completeTodo'))
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.custom({ entry: './onTodoCompleted.js' })),

    onProjectChanged: a
      .subscription()
      .for(a.ref('Project').mutations(['create', 'update']))
      .arguments({ status: a.string() })
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.custom({ entry: './onProjectChanged.js' })),
  })
  .authorization((allow) => [allow.resource(sendReminder)]);

export type Schema = ClientSchema<typeof schema>;

export const data = defineData({
  schema,
  authorizationModes: {
    defaultAuthorizationMode: 'userPool',
    apiKeyAuthorizationMode: {
      expiresInDays: 30,
    },
  },
});
