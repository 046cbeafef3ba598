import { util } from '@aws-appsync/utils';

/**
 * Counts the open and done to-dos of a project through the Todo table's projectId index.
 */
export function request(ctx) {
  return {
    operation: 'Query',
    index: 'todosByProjectIdAndDueDate',
    query: {
      expression: 'projectId = :projectId',
      expressionValues: util.dynamodb.toMapValues({ ':projectId': ctx.args.projectId }),
    },
  };
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const items = ctx.result.items ?? [];
  const done = items.filter((item) => item.done).length;
  return { projectId: ctx.args.projectId, open: items.length - done, done };
}
