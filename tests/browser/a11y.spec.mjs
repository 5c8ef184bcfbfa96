// axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every HTML page of the
// example site, standard and 长者版, plus a missing page (the 404 answer) and
// the sub-path build's paginated unit and topic pages, and the representative
// page of each type in the 繁體 edition (hant/); lang="zh-CN" on every page
// (zh-Hant in hant/), in the file and in the browser. Any violation fails.
// AXE_PAGES=all checks every page, AXE_PAGES=types only the representative page
// of each type; by default a quarter of the unit pages, every other page, and
// the 繁體 edition's page of each type. The fixture site's right-to-left
// Uyghur edition (RTL_SITE_DIR, ug/): its page of each type, with
// lang="ug" dir="rtl" on every one of its pages.
import { launch, withAxe, pageTypes, htmlPaths, langOf, runAxe, formatViolations, report, visit, rtlPages, AXE_TAGS, SITE_URL, SITE_DIR, SUB_SITE_URL, SUB_SITE_DIR, RTL_SITE_DIR, RTL_EDITION } from './lib.mjs';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const t = report('a11y');
const AXE_VERSION = createRequire(import.meta.url)('axe-core/package.json').version;

// lang="zh-CN" in every HTML file of the output, browser or not.
let langFiles = 0;
for (const [dir, base] of [[SITE_DIR, SITE_URL], [SUB_SITE_DIR, SUB_SITE_URL]]) {
  if (!dir) continue;
  const bad = htmlPaths(dir).filter((rel) => {
    const file = path.join(dir, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel);
    const head = fs.readFileSync(file, 'utf8').slice(0, 2000);
    return !head.includes(`<html lang="${langOf(rel)}"`);
  });
  langFiles += htmlPaths(dir).length - bad.length;
  t.check(bad.length === 0, `lang="zh-CN" (zh-Hant in hant/) on the <html> of every page in ${base}`, bad.slice(0, 20).join('\n'));
}

// lang="ug" dir="rtl" in every page of the fixture's Uyghur edition.
if (RTL_SITE_DIR) {
  const dir = path.join(RTL_SITE_DIR, RTL_EDITION.prefix);
  const rels = htmlPaths(dir);
  const bad = rels.filter((rel) => {
    const file = path.join(dir, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel);
    return !fs.readFileSync(file, 'utf8').slice(0, 2000).includes('<html lang="ug" dir="rtl"');
  });
  langFiles += rels.length - bad.length;
  t.check(rels.length > 10 && bad.length === 0, `lang="ug" dir="rtl" on the <html> of the ${rels.length} pages under ${dir}`, bad.slice(0, 20).join('\n'));
}

// What to load: every page (or one per type), the 404 answer, the paginated pages of the sub-path build.
const targets = [];
let skipped = 0;
if (process.env.AXE_PAGES === 'types') {
  for (const p of pageTypes({ editions: true })) targets.push({ url: p.url, status: p.status, lang: langOf(p.path) });
} else {
  // Unit pages are four fifths of the site and all come from one template: unless
  // AXE_PAGES=all, every fourth standard one and a different fourth of the
  // 长者版 ones are checked, every other page is (the whole run takes ~3 minutes).
  const all = process.env.AXE_PAGES === 'all';
  const unitIndex = { true: 0, false: 0 };
  for (const rel of htmlPaths(SITE_DIR)) {
    if (/^([a-z-]+\/)?(elder\/)?404\.html$/.test(rel)) continue;
    // The 繁體 edition is the same templates over converted text: its
    // representative page of each type is checked (below), unless AXE_PAGES=all.
    if (!all && rel.startsWith('hant/')) {
      skipped++;
      continue;
    }
    if (!all && /^(hant\/)?(elder\/)?units\/[^/]+\/[^/]+\//.test(rel)) {
      const elder = rel.startsWith('elder/');
      const i = unitIndex[elder]++;
      if (i % 4 !== (elder ? 2 : 0)) {
        skipped++;
        continue;
      }
    }
    targets.push({ url: SITE_URL + rel, status: 200, lang: langOf(rel) });
  }
  // The representative page of each type (the largest unit page among them) is always checked.
  for (const p of pageTypes({ editions: true })) {
    if (!targets.some((x) => x.url === p.url)) {
      targets.push({ url: p.url, status: p.status, lang: langOf(p.path) });
      if (p.status === 200) skipped--;
    }
  }
}
if (SUB_SITE_DIR && SUB_SITE_URL) {
  for (const p of pageTypes({ dir: SUB_SITE_DIR, base: SUB_SITE_URL })) {
    if (p.type.includes('page 2+')) targets.push({ url: p.url, status: p.status, lang: langOf(p.path) });
  }
}

for (const p of rtlPages()) targets.push({ url: p.url, status: p.status, lang: p.lang, dir: p.dir });

const context = await launch();
// axe comes with each page instead of being sent to it 154 times.
await withAxe(context);
let violations = 0;
let nodes = 0;
let checked = 0;
const byRule = new Map();

async function worker(queue) {
  const page = await context.newPage();
  for (;;) {
    const target = queue.shift();
    if (!target) break;
    await t.step(`axe ${target.url}`, async () => {
      await visit(page, target.url, { status: target.status });
      const lang = await page.evaluate(() => document.documentElement.lang);
      const want = target.lang || 'zh-CN';
      t.check(lang === want, `lang="${want}" in the browser: ${target.url}`, `lang="${lang}"`);
      if (target.dir) {
        const dir = await page.evaluate(() => document.documentElement.dir);
        t.check(dir === target.dir, `dir="${target.dir}" in the browser: ${target.url}`, `dir="${dir}"`);
      }
      const found = await runAxe(page);
      checked++;
      for (const v of found) {
        byRule.set(v.id, (byRule.get(v.id) || 0) + 1);
        nodes += v.nodes.length;
      }
      violations += found.length;
      t.check(found.length === 0, `no axe violations: ${target.url}`, formatViolations(found));
    });
  }
  await page.close();
}

const queue = [...targets];
const started = Date.now();
// Two tabs at a time: the machine has two cores and axe is CPU-bound.
await Promise.all([worker(queue), worker(queue)]);
t.info(`axe-core ${AXE_VERSION}, tags ${AXE_TAGS.join(', ')}; ${((Date.now() - started) / 1000).toFixed(0)}s`);
if (byRule.size) t.info(`violations by rule: ${[...byRule].map(([k, v]) => `${k} on ${v} pages`).join(', ')}`);
if (skipped) t.info(`${skipped} unit pages left out (AXE_PAGES=all checks them too)`);
await t.done(`${checked} pages checked with axe-core, ${violations} axe violations (${nodes} elements); lang="zh-CN" (zh-Hant in hant/; ug dir="rtl" in the fixture's ug/) in ${langFiles} HTML files`);
