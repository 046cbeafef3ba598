import { util } from '@aws-appsync/utils';

/**
 * Marks a to-do as done.
 */
export function request(ctx) {
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ id: ctx.args.id }),
    update: {
      expression: 'SET #done = :done, #updatedAt = :now',
      expressionNames: { '#done': 'done', '#updatedAt': 'updatedAt' },
      expressionValues: util.dynamodb.toMapValues({ ':done': true, ':now': util.time.nowISO8601() }),
    },
  };
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
