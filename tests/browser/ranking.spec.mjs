// Search ranking in a real Chromium (search.js), against the hand-made cases of
// tests/search-ranking.json, the table tests/ranking.rs holds src/search/query.rs
// to: `top`, the first results are exactly these tasks (any order); `above`,
// each pair [higher, lower] ranks in that order; `same_as`, the results are those
// of another query, in order. A case marked `known_failure`
// must still fail (so the mark goes when the ranking is fixed).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, report, visit, SITE_URL } from './lib.mjs';

const t = report('ranking');
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(fs.readFileSync(path.join(here, '..', 'search-ranking.json'), 'utf8'));
t.check(fixture.cases.length >= 6, `the fixture has its cases (${fixture.cases.length})`);

const sitePath = new URL(SITE_URL).pathname;
const context = await launch();
const page = await context.newPage();

async function settled() {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-search-status]');
    const list = document.querySelector('[data-search-results]');
    return s && s.textContent.trim() && !s.textContent.includes('正在') && !list.hasAttribute('aria-busy');
  });
}

/** Every result of `q`, best first, as site-relative paths (`plans/x/#task-5`):
 *  显示更多 is pressed until the list is whole. */
async function ranked(q) {
  await visit(page, `${SITE_URL}search/?q=${encodeURIComponent(q)}`);
  await settled();
  for (let i = 0; i < 50; i++) {
    const count = await page.locator('[data-search-results] > .search-result').count();
    if (await page.locator('[data-search-more]').isHidden()) break;
    await page.click('[data-search-more]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-search-results] > .search-result').length > n, count);
  }
  return page.$$eval('[data-search-results] > .search-result [data-slot="link"]', (as, root) =>
    as.map((a) => {
      // Links are relative to the page: the address each leads to.
      const u = new URL(a.getAttribute('href'), location.href);
      return (u.pathname + u.hash).slice(root.length);
    }), sitePath);
}

// As `unmet` in tests/ranking.rs.
function unmet(c, list) {
  const out = [];
  if (c.top && c.top.length) {
    const got = new Set(list.slice(0, c.top.length));
    if (!(got.size === c.top.length && c.top.every((p) => got.has(p)))) out.push(`top ${c.top.length}: ${[...got].join(', ')}`);
  }
  for (const [hi, lo] of c.above || []) {
    const h = list.indexOf(hi), l = list.indexOf(lo);
    if (!(h >= 0 && l >= 0 && h < l)) out.push(`${hi} (at ${h}) above ${lo} (at ${l})`);
  }
  return out;
}

for (const c of fixture.cases) {
  await t.step(c.query, async () => {
    const list = await ranked(c.query);
    t.check(list.length > 0, `${c.query}: results`);
    const problems = unmet(c, list);
    if (c.same_as) {
      const theirs = await ranked(c.same_as);
      if (theirs.join('\n') !== list.join('\n')) problems.push(`not the results of ${c.same_as}: ${list.slice(0, 8).join(', ')} / ${theirs.slice(0, 8).join(', ')}`);
    }
    if (c.known_failure) {
      t.check(problems.length > 0, `${c.query}: still a known failure (${c.known_failure}); remove the mark if fixed`, list.slice(0, 12));
      t.info(`${c.query}: known failure: ${problems.join('; ')}`);
    } else {
      t.check(problems.length === 0, `${c.query}: ${c.why}`, { problems, first: list.slice(0, 12) });
    }
  });
}

await context.close();
await t.done(`ranking: ${fixture.cases.length} cases of tests/search-ranking.json`);
