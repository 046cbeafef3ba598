import { extensions } from '@aws-appsync/utils';

/**
 * Subscription resolver: subscribers that passed a status only receive projects with that status.
 */
export function request() {
  return {};
}

export function response(ctx) {
  if (ctx.args.status) {
    extensions.setSubscriptionFilter({ filterGroup: [{ filters: [{ fieldName: 'status', operator: 'eq', value: ctx.args.status }] }] });
  }
  return null;
}
