// Copies the TextMate injection grammar from the repository's grammar/ folder (its single source) into
// the extension, since a .vsix holds only files under the extension's own folder.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', '..', '..', 'grammar', 'textmate', 'amplify-inline-sql.tmLanguage.json');
const target = path.join(__dirname, '..', 'syntaxes', 'amplify-inline-sql.tmLanguage.json');
fs.mkdirSync(path.dirname(target), { recursive: true });
if (fs.existsSync(source)) {
  fs.copyFileSync(source, target);
} else if (!fs.existsSync(target)) {
  console.error(`copy-grammar: ${source} is missing`);
  process.exit(1);
}
