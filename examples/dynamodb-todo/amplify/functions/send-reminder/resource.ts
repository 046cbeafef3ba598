import { defineFunction } from '@aws-amplify/backend';

export const sendReminder = defineFunction({
  name: 'send-reminder',
  entry: './handler.ts',
  timeoutSeconds: 30,
});
