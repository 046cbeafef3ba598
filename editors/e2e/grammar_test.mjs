// grammar_test.mjs -- tokenizes grammar/tests/resource.ts with the TextMate injection grammar of
// grammar/textmate/ on top of TypeScript's and SQL's own TextMate grammars (tm-grammars: the ones VS Code
// ships), with vscode-textmate and vscode-oniguruma, and checks which tokens get SQL scopes.
//
//   node grammar_test.mjs --tools CACHE/tools --repo REPO [--out FILE]
// Prints one line per check and "N passed, N failed"; exit 1 if any failed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, arr) => (a.startsWith('--') ? [...acc, [a.slice(2), arr[i + 1]]] : acc), []),
);
const tools = path.resolve(args.tools);
const repo = path.resolve(args.repo);
const require = createRequire(path.join(tools, 'package.json'));
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const INJECTION = 'inline-sql.schemals.injection';
const grammarFiles = {
  'source.ts': path.join(tools, 'node_modules/tm-grammars/grammars/typescript.json'),
  'source.sql': path.join(tools, 'node_modules/tm-grammars/grammars/sql.json'),
  [INJECTION]: path.join(repo, 'grammar/textmate/amplify-inline-sql.tmLanguage.json'),
};
const makeRegistry = (injections) => new textmate.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) => {
    const file = grammarFiles[scopeName];
    return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
  },
  // As VS Code does for a grammar contributed with "injectTo": ["source.ts"].
  getInjections: (scopeName) => (injections && scopeName === 'source.ts' ? [INJECTION] : undefined),
});
const grammar = await makeRegistry(true).loadGrammar('source.ts');
const plainGrammar = await makeRegistry(false).loadGrammar('source.ts');

const sample = path.join(repo, 'grammar/tests/resource.ts');
const lines = fs.readFileSync(sample, 'utf8').split('\n');
function tokenize(g) {
  const out = []; // { line, text, scopes }
  let stack = textmate.INITIAL;
  lines.forEach((text, line) => {
    const result = g.tokenizeLine(text, stack);
    for (const t of result.tokens) {
      out.push({ line, text: text.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    stack = result.ruleStack;
  });
  return out;
}
const tokens = tokenize(grammar);
const plainTokens = tokenize(plainGrammar);

let passed = 0;
let failed = 0;
const report = [];
function check(name, ok, detail) {
  if (ok) passed++;
  else failed++;
  report.push({ name, ok, detail });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok ? '' : `: ${JSON.stringify(detail)}`}`);
}
/** The tokens whose trimmed text is `word` on the first line containing `lineHas`. */
function tokensOf(lineHas, word) {
  const line = lines.findIndex((l) => l.includes(lineHas));
  return tokens.filter((t) => t.line === line && t.text.trim() === word);
}
const isSqlKeyword = (t) => t.scopes.some((s) => s.startsWith('keyword.') && s.endsWith('.sql'));
const isEmbeddedSql = (t) => t.scopes.some((s) => /^meta\.embedded\.(block|line)\.sql$/.test(s));
const hasSqlScope = (t) => t.scopes.some((s) => s.endsWith('.sql'));

function expectSql(label, lineHas, word) {
  const found = tokensOf(lineHas, word);
  check(`${label}: '${word}' is an SQL keyword inside inlineSql`, found.length > 0 && found.every((t) => isSqlKeyword(t) && isEmbeddedSql(t)), found);
}
function expectNotSql(label, lineHas, word) {
  const found = tokens.filter((t) => lines[t.line].includes(lineHas) && t.text.includes(word));
  check(`${label}: '${word}' is not SQL`, found.length > 0 && found.every((t) => !hasSqlScope(t)), found);
}

expectSql('template literal', 'ST_X(geom)', 'SELECT');
expectSql('template literal', 'ST_X(geom)', 'FROM');
expectSql('template literal', 'ST_X(geom)', 'WHERE');
expectSql('single-quoted string', "inlineSql('SELECT count", 'SELECT');
expectSql('single-quoted string', "inlineSql('SELECT count", 'FROM');
expectSql('double-quoted string', 'inlineSql("SELECT content', 'WHERE');
expectSql('multi-line template', 'SELECT n.content', 'SELECT');
expectSql('multi-line template', 'FROM notes AS n', 'FROM');
expectSql('multi-line template', 'JOIN events e', 'JOIN');
expectNotSql('an ordinary string', 'SELECT is just a word', 'SELECT');
expectNotSql('a comment naming inlineSql', "// Not SQL", 'SELECT');
// The TypeScript around the call is still TypeScript: the code after the SQL string is not swallowed.
const afterCall = tokens.filter((t) => lines[t.line].includes('countNotes: a') && t.text === 'countNotes');
check("TypeScript resumes after the call: 'countNotes' is not SQL", afterCall.length === 1 && !hasSqlScope(afterCall[0]), afterCall);
const exportLine = tokens.filter((t) => lines[t.line].startsWith('export const data') && t.text === 'const');
check("TypeScript resumes at the end: 'const' is a TypeScript keyword", exportLine.length === 1 && exportLine[0].scopes.includes('storage.type.ts'), exportLine);

// Outside the inlineSql calls, TypeScript is tokenized exactly as without the injection.
const callLines = new Set(tokens.filter((t) => t.scopes.includes('meta.function-call.inline-sql.ts')).map((t) => t.line));
const outside = (list) => JSON.stringify(list.filter((t) => !callLines.has(t.line)));
check('outside inlineSql calls, every token is as TypeScript alone gives it', outside(tokens) === outside(plainTokens), {
  lines: lines.length - callLines.size,
});

if (args.out) fs.writeFileSync(args.out, JSON.stringify({ report, tokens }, null, 1));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
