// Imports amplify/backend.ts (under tsx) with the CDK environment set by synth.sh; the CDK App
// synthesizes when the module has finished loading. A thrown error prints its `cause` chain.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const chain = (error) => {
  const lines = [];
  for (let e = error, i = 0; e && i < 10; e = e.cause, i++) {
    lines.push(`${e.name || 'Error'}: ${e.message}`);
    if (e.resolution) lines.push(`  resolution: ${e.resolution}`);
  }
  return lines.join('\n');
};
const fail = (error) => {
  process.stdout.write(`SYNTH-ERROR\n${chain(error)}\n`);
  process.exit(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
await import(pathToFileURL(path.resolve(process.argv[2])).href);
