import type { Schema } from '../../data/resource';

export const handler: Schema['sendReminder']['functionHandler'] = async (event) => {
  const { todoId, message } = event.arguments;
  console.log(`reminder for todo ${todoId}: ${message ?? '(no message)'}`);
  return { delivered: true, todoId };
};
