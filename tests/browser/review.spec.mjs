// The review page of `planpress import --review` (issue 16): two corpus documents
// are imported into a temporary site, and each review page must pass axe-core
// (WCAG 2.0/2.1/2.2 A and AA) with no violation, the Nu HTML checker with no
// error, reflow at 320 CSS pixels, keyboard (skip link first), and show every
// task that `planpress check` reads from the written files with its lead units.
// PLANPRESS: the binary (run.sh sets it; default: `cargo run -q --release --`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, runAxe, formatViolations, horizontalOverflow, report, VNU_JAVA_ARGS } from './lib.mjs';

const require = createRequire(import.meta.url);
const t = report('review');
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const DOCS = ['xialu-2023-fengong-fangan', 'daoli-2017-fazhi-shijian-fangan'];

function planpress(args) {
  const [cmd, pre] = process.env.PLANPRESS ? [process.env.PLANPRESS, []] : ['cargo', ['run', '-q', '--release', '--']];
  return spawnSync(cmd, [...pre, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
}

// ---- import into a temporary site (removed at the end)
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'planpress-review-'));
process.on('exit', () => fs.rmSync(site, { recursive: true, force: true }));
fs.copyFileSync(path.join(repo, 'site.yaml'), path.join(site, 'site.yaml'));
const content = path.join(site, 'content');
const pages = [];
for (const doc of DOCS) {
  const r = planpress(['import', '--out', content, '--review', path.join(repo, 'tests/corpus', doc + '.txt')]);
  t.check(r.status === 0, `planpress import --review ${doc}.txt succeeds`, `${r.stderr}\n${r.error || ''}`);
  const page = path.join(content, doc + '.review.html');
  t.check(fs.existsSync(page), `the review page ${doc}.review.html is written`);
  if (fs.existsSync(page)) pages.push({ doc, file: page });
}

// What the written files hold, as `check` reads them: task number -> lead units, per plan slug.
const checked = planpress(['check', '--json', '--root', site]);
t.check(checked.status === 0, 'planpress check accepts the imported files (the review pages are not content)', checked.stderr);
const plans = checked.status === 0 ? JSON.parse(checked.stdout).plans : [];

// ---- the Nu HTML checker on both pages
const jar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const vnu = spawnSync('java', [...VNU_JAVA_ARGS, '-jar', jar, '--format', 'json', ...pages.map((p) => p.file)], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  timeout: 300_000,
});
let messages = [];
try {
  messages = JSON.parse(vnu.stderr || vnu.stdout).messages;
} catch {
  t.fail('vnu ran and printed its JSON report', `${vnu.error || ''}\n${(vnu.stderr || '').slice(0, 2000)}`);
}
const errors = messages.filter((m) => m.type === 'error' || m.type === 'non-document-error' || m.subType === 'fatal');
t.check(
  errors.length === 0,
  `no Nu HTML checker errors in ${pages.length} review pages`,
  errors.slice(0, 30).map((m) => `${path.basename(m.url || '')}:${m.lastLine}: ${m.message}\n    ${(m.extract || '').replace(/\n/g, ' ')}`).join('\n'),
);
const warnings = messages.filter((m) => m.type === 'info' && m.subType === 'warning');
if (warnings.length) t.info(`${warnings.length} Nu warnings (not failed): ${warnings.slice(0, 5).map((m) => m.message).join(' | ')}`);

// ---- in the browser
const context = await launch();
const page = await context.newPage();
let tasksShown = 0;
let violations = 0;
for (const p of pages) {
  const html = fs.readFileSync(p.file, 'utf8');
  t.check(/^<!DOCTYPE html>\n<html lang="zh-CN">/.test(html), `${p.doc}: lang="zh-CN" on <html>`);
  t.check(!/<script|<link|<iframe|url\(|https?:/i.test(html), `${p.doc}: self-contained (no script, no external resource)`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(p.file).href, { waitUntil: 'load' });

  const v = await runAxe(page);
  violations += v.length;
  t.check(v.length === 0, `${p.doc}: no axe violations`, formatViolations(v));

  // Every task with its lead units, as `check` read them from the written files.
  const shown = await page.$$eval('tr.is-task td.got', (cells) =>
    cells.flatMap((td) => {
      const out = [];
      for (const tag of td.querySelectorAll('.tag')) {
        const m = /^任务 (.+)$/.exec(tag.textContent.trim());
        if (!m) continue;
        const dl = tag.closest('p').nextElementSibling;
        const lead = dl ? [...dl.querySelectorAll('dd')][0] : null;
        out.push({ number: m[1], lead: lead ? [...lead.querySelectorAll('.unit')].map((u) => u.textContent).sort() : [] });
      }
      return out;
    }),
  );
  const expected = plans
    .filter((pl) => pl.slug === p.doc || pl.slug.startsWith(p.doc + '-'))
    .flatMap((pl) => pl.tasks.map((task) => ({ number: task.number, lead: [...task.lead_units].sort() })));
  tasksShown += shown.length;
  t.check(expected.length > 0, `${p.doc}: check reads tasks from the written files`);
  const key = (x) => `${x.number}: ${x.lead.join('、')}`;
  const missing = expected.map(key).filter((k) => !shown.map(key).includes(k));
  t.check(
    shown.length === expected.length && missing.length === 0,
    `${p.doc}: the page shows each of the ${expected.length} tasks with its lead units`,
    `shown ${shown.length}; not shown as written:\n${missing.slice(0, 20).join('\n')}`,
  );

  // Keyboard: the first Tab reaches the skip link, which is then visible and leads to the table.
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { cls: a.className, href: a.getAttribute('href'), visible: r.top >= 0 && r.height > 0 };
  });
  t.check(skip.cls === 'skip' && skip.visible, `${p.doc}: the first Tab shows the skip link`, skip);
  const target = skip.href ? await page.$(skip.href) : null;
  t.check(target !== null, `${p.doc}: the skip link's target exists (${skip.href})`);

  // Reflow (WCAG 1.4.10): nothing scrolls sideways at 320 CSS pixels.
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await horizontalOverflow(page);
  t.check(overflow === null, `${p.doc}: no sideways scrolling at 320px`, overflow);
}
await context.close();
await t.done(`${pages.length} review pages: ${tasksShown} tasks shown, ${violations} axe violations, ${errors.length} Nu errors`);
