/**
 * Subscription resolver: no data source work, every subscriber gets the event.
 */
export function request() {
  return {};
}

export function response(ctx) {
  return ctx.result;
}
