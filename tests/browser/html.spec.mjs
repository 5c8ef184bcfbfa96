// The Nu HTML checker (vnu.jar from the vnu-jar package, run by the system's
// Java) over every HTML file of the output, and of the sub-path build when
// there is one, and of the fixture site with a right-to-left Uyghur edition
// (every page of its every edition). Any error fails; warnings are counted
// and shown, not failed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { htmlPaths, report, SITE_DIR, SUB_SITE_DIR, RTL_SITE_DIR, VNU_JAVA_ARGS } from './lib.mjs';

const require = createRequire(import.meta.url);
const t = report('html');
const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const dirs = [SITE_DIR, SUB_SITE_DIR, RTL_SITE_DIR].filter(Boolean);
const files = dirs.reduce((n, d) => n + htmlPaths(d).length, 0);

function vnu(extra) {
  const r = spawnSync('java', [...VNU_JAVA_ARGS, '-jar', jar, ...extra, '--format', 'json', '--skip-non-html', ...dirs], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 300_000,
  });
  if (r.error) throw r.error;
  let messages;
  try {
    messages = JSON.parse(r.stderr || r.stdout).messages;
  } catch (e) {
    t.fail('vnu ran and printed its JSON report', `exit ${r.status}\n${(r.stderr || '').slice(0, 2000)}\n${(r.stdout || '').slice(0, 2000)}`);
    return [];
  }
  return messages;
}

const messages = vnu([]);
const where = (m) => `${(m.url || '').replace(/^file:/, '')}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}`;
const errors = messages.filter((m) => m.type === 'error' || m.type === 'non-document-error' || m.subType === 'fatal');
const warnings = messages.filter((m) => m.type === 'info' && m.subType === 'warning');
const show = (list) =>
  list
    .slice(0, 40)
    .map((m) => `${where(m)}: ${m.message}${m.extract ? `\n    ${m.extract.replace(/\n/g, ' ')}` : ''}`)
    .join('\n') + (list.length > 40 ? `\n… and ${list.length - 40} more` : '');

t.check(files > 0, `HTML files to check in ${dirs.join(', ')}`);
t.check(errors.length === 0, `no Nu HTML checker errors in ${files} files`, show(errors));
if (warnings.length) t.info(`${warnings.length} warnings (not failed):\n${show(warnings)}`);
await t.done(`${files} HTML files checked with the Nu HTML checker, ${errors.length} Nu errors, ${warnings.length} warnings`);
