// Checks every diagnostic fixture under tests/fixtures/check/ against the real Amplify transform().
// Called by tests/oracle/run-fixtures.sh; see its header for the interface and the rules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
const FIXTURES = path.join(REPO, 'tests/fixtures/check');
const AMPLIFY_REF =
  process.env.AMPLIFY_REF ||
  (process.env.SCHEMALS_SHARED ? path.join(process.env.SCHEMALS_SHARED, 'amplify') : path.resolve(REPO, '../shared/amplify'));
const TRANSFORM = path.join(AMPLIFY_REF, 'oracle/transform.sh');
const SYNTH = path.join(REPO, 'tests/oracle/synth.sh');
const ORACLE_HOME = process.env.ORACLE_HOME || path.join(REPO, '.oracle');

const args = process.argv.slice(2);
const synth = args.includes('--synth');
const verbose = args.includes('-v') || args.includes('--verbose');
const only = args.filter((a) => !a.startsWith('-'));

// The codes documented in docs/diagnostics.md (first column of its tables).
const documented = new Set(
  fs
    .readFileSync(path.join(REPO, 'docs/diagnostics.md'), 'utf8')
    .split('\n')
    .map((l) => /^\| `([a-z0-9-]+)` \|/.exec(l))
    .filter(Boolean)
    .map((m) => m[1]),
);

const SEVERITIES = 'error|warning|information|hint';
const chars = (s) => Array.from(s); // columns are counted in characters (code points)

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out.sort();
}

function readLines(file) {
  let text = fs.readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

// Annotations of one file: [{file, line, target, start, end, marked, severity, code, message}], or problems.
function annotations(file, problems) {
  const ext = path.extname(file);
  const marker = ext === '.sql' ? '--' : ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(ext) ? '//' : null;
  if (!marker) return [];
  const esc = marker.replace(/[/-]/g, '\\$&');
  const looksLike = new RegExp(`^\\s*${esc}\\s*\\^`);
  const strict = new RegExp(`^(\\s*${esc}\\s*)(\\^+) (${SEVERITIES})\\[([a-z0-9-]+)\\]: (.*)$`);
  const lines = readLines(file);
  const out = [];
  let target = null;
  const tokenForm = new RegExp(`^\\s*${esc}@@ (.+?) (${SEVERITIES})\\[([a-z0-9-]+)\\]: (.*)$`);
  lines.forEach((line, i) => {
    const rel = `${path.relative(FIXTURES, file)}:${i + 1}`;
    // The token form `//@@ TOKEN[#N] severity[code]: message` marks the N-th occurrence of TOKEN.
    const tf = tokenForm.exec(line);
    if (tf) {
      if (!target) {
        problems.push(`${rel}: annotation without a preceding line`);
        return;
      }
      const hash = /^(.*)#(\d+)$/.exec(tf[1]);
      const [token, nth] = hash ? [hash[1], Number(hash[2])] : [tf[1], 1];
      let at = -1;
      for (let k = 0; k < nth; k++) {
        at = target.text.indexOf(token, at + 1);
        if (at < 0) break;
      }
      if (at < 0) {
        problems.push(`${rel}: \`${token}\` is not on line ${target.number}`);
        return;
      }
      const start = chars(target.text.slice(0, at)).length;
      line = `${marker}${' '.repeat(Math.max(0, start - marker.length))}${'^'.repeat(chars(token).length)} ${tf[2]}[${tf[3]}]: ${tf[4]}`;
      if (start < marker.length) {
        problems.push(`${rel}: marked text starts at column ${start} (must be >= 2)`);
        return;
      }
    }
    if (!looksLike.test(line)) {
      target = { text: line, number: i + 1 };
      return;
    }
    const m = strict.exec(line);
    if (!m) {
      problems.push(`${rel}: malformed annotation: ${line}`);
      return;
    }
    if (!target) {
      problems.push(`${rel}: annotation without a preceding line`);
      return;
    }
    const start = chars(m[1]).length;
    const end = start + m[2].length;
    const t = chars(target.text);
    if (start < 2) problems.push(`${rel}: marked text starts at column ${start} (must be >= 2)`);
    if (end > t.length) problems.push(`${rel}: carets run past the end of line ${target.number}`);
    const marked = t.slice(start, end).join('');
    if (/^\s|\s$/.test(marked)) problems.push(`${rel}: marked text "${marked}" starts or ends with whitespace`);
    // A marked range covers whole tokens: it does not cut a word, and holds no quote or bracket
    // (an empty string literal `''` is the one exception).
    const word = /[A-Za-z0-9_]/;
    const cuts = (word.test(t[start - 1] || '') && word.test(t[start] || '')) || (word.test(t[end - 1] || '') && word.test(t[end] || ''));
    if (cuts || (/['"`()[\]{}]/.test(marked) && !/^(''|""|``)$/.test(marked)))
      problems.push(`${rel}: marked text "${marked}" does not cover whole tokens`);
    if (!documented.has(m[4])) problems.push(`${rel}: code ${m[4]} is not in docs/diagnostics.md`);
    out.push({
      file: path.relative(FIXTURES, file),
      line: target.number,
      start,
      end,
      marked,
      severity: m[3],
      code: m[4],
      message: m[5],
    });
  });
  return out;
}

function parseVerdict(header) {
  const m = /^\/\/ oracle: (.*)$/.exec(header || '');
  if (!m) return null;
  const v = m[1];
  if (v === 'accepts' || v === 'rejects') return { kind: v };
  let k = /^rejects: crash — (.+)$/.exec(v);
  if (k) return { kind: 'crash', message: k[1] };
  k = /^accepts: (deploy|runtime|catalog) — (.+)$/.exec(v);
  if (k) return { kind: 'accepts-later', stage: k[1], reason: k[2] };
  return null;
}

function runCase(name) {
  const dir = path.join(FIXTURES, name);
  const resource = path.join(dir, 'amplify/data/resource.ts');
  const problems = [];
  if (!fs.existsSync(resource)) return { problems: ['no amplify/data/resource.ts'] };
  const verdict = parseVerdict(readLines(resource)[0]);
  if (!verdict) problems.push(`bad header: ${readLines(resource)[0]}`);
  const anns = walk(dir).flatMap((f) => annotations(f, problems));
  const errors = anns.filter((a) => a.severity === 'error');

  const r = spawnSync(TRANSFORM, [resource], { encoding: 'utf8', env: { ...process.env, ORACLE_HOME } });
  const stdout = r.stdout || '';
  const message = stdout.replace(/\n$/, '');
  const phase = (/transform\.sh: (\w+) failed/.exec(r.stderr || '') || [])[1];
  if (r.status === 2 || r.status === null) problems.push(`transform.sh exit ${r.status}: ${(r.stderr || '').trim()}`);
  if (/\^\^\^| error\[/.test(stdout)) problems.push('an annotation ended up inside a string (it is in the transform output)');

  let label = '';
  if (verdict) {
    label = verdict.kind === 'accepts-later' ? `accepts: ${verdict.stage}` : verdict.kind;
    if (verdict.kind === 'accepts') {
      if (r.status !== 0) problems.push(`expected exit 0, got ${r.status}: ${message}`);
      if (errors.length) problems.push(`'accepts' case has ${errors.length} error annotation(s)`);
    } else if (verdict.kind === 'accepts-later') {
      if (r.status !== 0) problems.push(`expected exit 0, got ${r.status}: ${message}`);
      if (!errors.length) problems.push(`'accepts: ${verdict.stage}' case has no error annotation`);
      if (verdict.stage === 'catalog') {
        const needs = path.join(dir, 'NEEDS_CATALOG');
        if (fs.existsSync(needs)) {
          const ddl = fs.readFileSync(needs, 'utf8').trim();
          if (!fs.existsSync(ddl)) problems.push(`NEEDS_CATALOG names a missing file: ${ddl}`);
        }
      }
    } else if (verdict.kind === 'rejects') {
      if (r.status !== 1) problems.push(`expected exit 1, got ${r.status}`);
      else if (!errors.some((a) => a.message === message))
        problems.push(`no error annotation has the message Amplify printed (${phase}): ${JSON.stringify(message)}`);
    } else if (verdict.kind === 'crash') {
      if (r.status !== 1) problems.push(`expected exit 1, got ${r.status}`);
      else if (message !== verdict.message) problems.push(`expected crash ${JSON.stringify(verdict.message)}, got ${JSON.stringify(message)}`);
      if (!errors.length) problems.push('crash case has no error annotation');
    }
  }

  let synthNote = '';
  if (synth && verdict && problems.length === 0) {
    const s = spawnSync(SYNTH, [dir], { encoding: 'utf8' });
    const out = (s.stdout || '').trim();
    const ok = s.status === 0;
    const firstError = out.split('\n').slice(1).filter((l) => !l.startsWith('  resolution:')).pop() || out;
    if (s.status === 2) problems.push(`synth.sh: ${(s.stderr || '').trim()}`);
    else if (verdict.kind === 'accepts' || (verdict.kind === 'accepts-later' && verdict.stage !== 'deploy')) {
      if (!ok) problems.push(`synth failed: ${firstError}`);
      else synthNote = 'synth ok';
    } else if (ok) {
      problems.push(`synth succeeded, but the case expects a failure (${label})`);
    } else {
      const hit = errors.find((a) => out.includes(a.message));
      synthNote = hit ? 'synth fails with the annotated message' : `synth fails, with another message: ${firstError}`;
    }
  }
  return { verdict: label, anns, problems, phase, synthNote };
}

if (!fs.existsSync(TRANSFORM)) {
  console.error(`run-fixtures: ${TRANSFORM} not found (set AMPLIFY_REF to the folder of the Amplify reference)`);
  process.exit(2);
}
const cases = fs
  .readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && (only.length === 0 || only.includes(d.name)))
  .map((d) => d.name)
  .sort();
let passed = 0;
let failed = 0;
for (const name of cases) {
  const res = runCase(name);
  if (res.problems.length === 0) {
    passed++;
    console.log(`ok    ${name}  (${res.verdict}${res.synthNote ? `; ${res.synthNote}` : ''})`);
  } else {
    failed++;
    console.log(`FAIL  ${name}  (${res.verdict || '?'})`);
    for (const p of res.problems) console.log(`        ${p}`);
  }
  if (verbose)
    for (const a of res.anns || [])
      console.log(`        ${a.file}:${a.line}:${a.start}-${a.end} "${a.marked}" ${a.severity}[${a.code}]: ${a.message}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
