// Site search (issue 7) in a real Chromium, on the example site:
//   - 宪法宣誓 finds the tasks of all three documents that name it;
//   - 公职律师 finds 道里区 task 5, 株洲县 task 68 and the 下陆区 measures that
//     name it; the jurisdiction filter narrows them, and the address keeps it;
//   - results link to the task's anchor (which exists on the plan page), show
//     the matching words marked, the plan, the lead unit and the jurisdiction;
//   - the 长者版 search page works and links to 长者版 pages;
//   - by keyboard alone: type, Enter, the results are announced in a status
//     region, Tab reaches them, 显示更多 moves focus to the new results;
//   - axe finds nothing on the page with results;
//   - text from the query or the index is never read as HTML;
//   - the published site under a sub-path (/fzjs/) searches and links there;
//   - without JavaScript the search box says so and links to the topic and
//     unit indexes;
//   - a query downloads a small part of the index.
// The expected tasks are read from the built site's data/tasks.json.
import fs from 'node:fs';
import path from 'node:path';
import { launch, report, visit, runAxe, formatViolations, SITE_URL, SITE_DIR, SUB_SITE_URL, SUB_SITE_DIR } from './lib.mjs';

const t = report('search');
const tasks = JSON.parse(fs.readFileSync(path.join(SITE_DIR, 'data/tasks.json'), 'utf8'));
// Site-relative task addresses (`plans/x/#task-5`) of the tasks whose text has `word`.
// A task's page and anchor from the site's root: tasks.json gives absolute
// addresses when the site has an absolute base_url, as the example does.
const rel = (url) => {
  const u = new URL(url, 'http://localhost/');
  return (u.pathname + u.hash).replace(/^\//, '');
};
const mentioning = (word) => new Set(tasks.filter((x) => x.text.includes(word)).map((x) => rel(x.url)));

// Runs in the page: the results as shown, each link as the address it leads
// to from this page (`/plans/x/#task-5`: links are relative to the page).
function shown() {
  const to = (a) => {
    const u = new URL(a.getAttribute('href'), location.href);
    return u.pathname + u.search + u.hash;
  };
  const status = document.querySelector('[data-search-status]');
  return {
    status: status ? status.textContent.trim() : null,
    statusRole: status ? status.getAttribute('role') : null,
    busy: document.querySelector('[data-search-results]').getAttribute('aria-busy'),
    more: !document.querySelector('[data-search-more]').hidden,
    results: [...document.querySelectorAll('[data-search-results] > .search-result')].map((li) => {
      const a = li.querySelector('[data-slot="link"]');
      const dd = (s) => {
        const el = li.querySelector(`[data-slot="${s}"]`);
        return el ? el.textContent.trim() : null;
      };
      return {
        href: to(a),
        title: a.textContent.trim(),
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
        text: dd('text'),
        plan: dd('plan'),
        lead: dd('lead'),
        jurisdiction: dd('jurisdiction'),
        links: [...li.querySelectorAll('a')].map(to),
      };
    }),
  };
}

async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-search-status]');
    const list = document.querySelector('[data-search-results]');
    return s && s.textContent.trim() && !s.textContent.includes('正在') && !list.hasAttribute('aria-busy');
  });
  return page.evaluate(shown);
}

/** Opens the search page at `base` (…/ or …/elder/) with a query in the address. */
async function searchFor(page, base, q, extra = '') {
  await visit(page, `${base}search/?q=${encodeURIComponent(q)}${extra}`);
  return settled(page);
}

/** The value of the first option of `select` whose text starts with `label`. */
async function optionValue(page, select, label) {
  const v = await page.$$eval(`${select} option`, (os, label) => {
    const o = os.find((x) => x.textContent.startsWith(label));
    return o ? o.value : null;
  }, label);
  if (v === null) throw new Error(`no option ${label} in ${select}`);
  return v;
}

// Task addresses of the results (`plans/x/#task-5`), relative to `root`.
const taskPaths = (r, root) =>
  new Set(r.results.map((x) => x.href).filter((h) => h.includes('#task-')).map((h) => h.slice(root.length)));

const sitePath = new URL(SITE_URL).pathname;
const context = await launch();
const page = await context.newPage();
const fetched = [];
page.on('response', async (res) => {
  const u = new URL(res.url());
  if (u.pathname.startsWith(`${sitePath}search/`) && /\.(json|bin)$/.test(u.pathname)) {
    fetched.push({ path: u.pathname, bytes: (await res.body().catch(() => Buffer.alloc(0))).length });
  }
});
const jsErrors = [];
page.on('pageerror', (e) => jsErrors.push(String(e)));

// ---- 宪法宣誓
await t.step('宪法宣誓', async () => {
  const r = await searchFor(page, SITE_URL, '宪法宣誓');
  const found = taskPaths(r, sitePath);
  const expected = mentioning('宪法宣誓');
  t.check(expected.size >= 3, `宪法宣誓: the example site has tasks that name it (${expected.size})`);
  const missing = [...expected].filter((p) => !found.has(p));
  t.check(missing.length === 0, '宪法宣誓: every task that names it is found', { missing, found: [...found] });
  for (const doc of ['daoli-2017', 'zhuzhou-2015', 'xialu-2023']) {
    t.check([...found].some((p) => p.includes(doc)), `宪法宣誓: a task of ${doc}`, [...found]);
  }
  t.check(r.statusRole === 'status' && /\d/.test(r.status), '宪法宣誓: the count is told in a status region', r.status);
  t.check(r.results.length > 0 && r.results.every((x) => x.marks.length > 0), '宪法宣誓: every result shows the words marked', r.results.map((x) => x.marks));
});

// ---- traditional characters and pinyin (issue 18): the results of 宪法宣誓 and 宪法, marked
await t.step('憲法宣誓 and xianfa', async () => {
  const tr = await searchFor(page, SITE_URL, '憲法宣誓');
  t.check(tr.results.length > 0 && tr.results.every((x) => x.marks.some((m) => m.includes('宪法'))), '憲法宣誓: finds 宪法宣誓, marked', tr.results.map((x) => x.marks));
  const py = await searchFor(page, SITE_URL, 'xianfa');
  t.check(py.results.length > 0 && py.results.every((x) => x.marks.some((m) => m.includes('宪法'))), 'xianfa: finds 宪法, marked', py.results.map((x) => x.marks));
  const sfj = await searchFor(page, SITE_URL, 'sfj');
  t.check(sfj.results.length > 0 && sfj.results.slice(0, 3).every((x) => /司法局/.test(x.lead || '')), 'sfj: the tasks a 司法局 leads first', sfj.results.slice(0, 3).map((x) => x.lead));
});

// ---- 公职律师, then filtered by jurisdiction
let all = null;
await t.step('公职律师', async () => {
  fetched.length = 0;
  const r = await searchFor(page, SITE_URL, '公职律师');
  all = r;
  const found = taskPaths(r, sitePath);
  for (const must of ['plans/daoli-2017-shijian-fangan/#task-5', 'plans/zhuzhou-2015-fazhi-shishi-yijian/#task-68']) {
    t.check(found.has(must), `公职律师: ${must}`, [...found]);
  }
  const xialu = [...mentioning('公职律师')].filter((p) => p.includes('xialu'));
  t.check(xialu.length >= 2 && xialu.every((p) => found.has(p)), '公职律师: the 下陆区 measures that name it', { xialu, found: [...found] });
  const first = r.results[0];
  // The tasks whose heading (first clause) names it rank above those that name it in passing.
  const about = tasks.filter((x) => x.text.split(/[。,，]/)[0].includes('公职律师')).map((x) => rel(x.url));
  const top = r.results.slice(0, about.length).map((x) => x.href.slice(sitePath.length));
  t.check(about.length >= 2 && about.length < r.results.length && about.every((p) => top.includes(p)), '公职律师: the tasks about it come first', { about, top });
  const daoli = r.results.find((x) => x.href.endsWith('daoli-2017-shijian-fangan/#task-5'));
  t.check(
    daoli && daoli.plan.includes('道里区法治建设系列实践活动方案') && daoli.jurisdiction === '哈尔滨市道里区' && daoli.lead.includes('区委办公室'),
    '公职律师: a result shows its plan, lead unit and jurisdiction',
    daoli,
  );
  t.check(r.results.length > 0 && r.results.every((x) => x.links.every((h) => h.startsWith(sitePath) && !h.startsWith(`${sitePath}elder/`))), '公职律师: links stay in the standard site');
  const bytes = fetched.reduce((n, f) => n + f.bytes, 0);
  const total = fs.readdirSync(path.join(SITE_DIR, 'search'), { recursive: true })
    .map((f) => path.join(SITE_DIR, 'search', f))
    .filter((f) => fs.statSync(f).isFile() && /\.(json|bin)$/.test(f))
    .reduce((n, f) => n + fs.statSync(f).size, 0);
  t.info(`公职律师: ${fetched.length} index files, ${bytes} bytes of ${total}`);
  t.check(!fetched.some((f) => f.path.includes('/u/')), '公职律师: no filter lists downloaded before a filter is used', fetched);
  t.check(bytes < total * 0.75, `公职律师: downloads part of the index (${bytes} of ${total} bytes)`, fetched);

  // The anchor of the first result exists on its plan page.
  await visit(page, new URL(first.href, SITE_URL).href);
  const id = first.href.split('#')[1];
  t.check(await page.evaluate((id) => !!document.getElementById(id), id), `公职律师: the result's anchor #${id} is on the plan page`);
});

await t.step('公职律师, 行政区划 黄石市下陆区', async () => {
  await searchFor(page, SITE_URL, '公职律师');
  await page.selectOption('#search-j', await optionValue(page, '#search-j', '黄石市下陆区'));
  const r = await settled(page);
  t.check(r.results.length > 0 && r.results.length < all.results.length, `filter: fewer results (${r.results.length} of ${all.results.length})`);
  t.check(r.results.length > 0 && r.results.every((x) => x.jurisdiction === '黄石市下陆区'), 'filter: only 黄石市下陆区', r.results.map((x) => x.jurisdiction));
  const url = new URL(page.url());
  t.check(url.searchParams.get('j') === '黄石市下陆区' && url.searchParams.get('q') === '公职律师', 'filter: the address keeps the query and the filter', page.url());
  const options = await page.$$eval('#search-j option', (os) => os.map((o) => o.textContent));
  t.check(options.some((o) => /黄石市下陆区（\d+）/.test(o)), 'filter: jurisdictions show their counts', options);
  // The unit filter: units of that jurisdiction only.
  const units = await page.$$eval('#search-u option', (os) => os.map((o) => o.textContent));
  t.check(units.length > 2 && units.some((u) => u.startsWith('区司法局')), 'filter: the unit list is the jurisdiction’s', units.slice(0, 5));
  await page.selectOption('#search-u', await optionValue(page, '#search-u', '区政府办'));
  const r2 = await settled(page);
  t.check(r2.results.length > 0 && r2.results.length <= r.results.length, `unit filter: ${r2.results.length} results`);
  // Reloading the address shows the same.
  await visit(page, page.url());
  const r3 = await settled(page);
  t.check(r3.results.length === r2.results.length, 'filter: a reload of the address shows the same results');
});

// ---- 法律顾问 finds 法律顾问制度; a unit's name finds its tasks; more words rank
await t.step('other queries', async () => {
  let r = await searchFor(page, SITE_URL, '法律顾问');
  const found = taskPaths(r, sitePath);
  const expected = [...mentioning('法律顾问制度')];
  t.check(expected.length > 0 && expected.every((p) => found.has(p)), '法律顾问: the tasks on 法律顾问制度', { expected, found: [...found] });
  r = await searchFor(page, SITE_URL, '区委依法治区办');
  const led = tasks.filter((x) => x.jurisdiction === '哈尔滨市道里区' && x.lead_units.includes('区委依法治区办')).map((x) => rel(x.url));
  const got = taskPaths(r, sitePath);
  t.check(led.length > 0 && led.every((p) => got.has(p)), "区委依法治区办: a unit's name finds the tasks it leads", { led, got: [...got] });
  r = await searchFor(page, SITE_URL, '公职律师 法律顾问');
  const both = [...mentioning('公职律师')].filter((p) => mentioning('法律顾问').has(p));
  const top = r.results.slice(0, both.length).map((x) => x.href.slice(sitePath.length));
  t.check(both.length >= 2 && both.every((p) => top.includes(p)), 'two words: the tasks with both come first', { both, top });
  t.check(/包含全部词语/.test(r.status), 'two words: the status says which results have all words', r.status);
});

// ---- safety: the query and the index are text, never HTML
await t.step('no HTML from the query', async () => {
  const evil = '<img src=x onerror="window.__pwned=1">宪法';
  await searchFor(page, SITE_URL, evil);
  const s = await page.evaluate(() => ({
    pwned: !!window.__pwned,
    imgs: document.querySelectorAll('[data-search-results] img, [data-search-status] img').length,
    status: document.querySelector('[data-search-status]').textContent,
  }));
  t.check(!s.pwned && s.imgs === 0 && s.status.includes('<img'), 'the query is shown as text', s);
});

// ---- typed while the index loads: the words typed stay, and are searched
await t.step('typed before the index loaded', async () => {
  // meta.json held back until the words are typed, as on a slow line: the
  // page must not empty the search box when it arrives.
  let release;
  const held = new Promise((r) => { release = r; });
  const route = '**/search/meta.json*';
  await page.route(route, async (r) => { await held; await r.continue(); });
  await page.goto(`${SITE_URL}search/`, { waitUntil: 'domcontentloaded' });
  await page.focus('#search-q');
  await page.keyboard.type('法治');
  release();
  // The filters are filled from meta.json just before the address is read.
  await page.waitForFunction(() => [...document.querySelectorAll('select')].some((s) => s.options.length > 1));
  await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
  await page.keyboard.press('Enter');
  const r = await settled(page);
  await page.unroute(route);
  const typed = await page.inputValue('#search-q');
  t.check(typed === '法治', `typed before the index loaded: the box keeps 法治 (${JSON.stringify(typed)})`);
  t.check(r.results.length > 0, `typed before the index loaded: the words are searched (${r.results.length} results)`, r.status);
});

// ---- keyboard only, and axe
await t.step('keyboard', async () => {
  await visit(page, `${SITE_URL}search/`);
  await page.focus('#search-q');
  await page.keyboard.type('法治');
  await page.keyboard.press('Enter');
  const r = await settled(page);
  t.check(r.results.length === 10 && r.more, `keyboard: Enter searches; ten results and a 显示更多 button (${r.results.length})`);
  t.check(/\d+/.test(r.status), 'keyboard: the result count is announced', r.status);
  // Tab from the search box reaches the first result's link after the filters.
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement && document.activeElement.matches('[data-search-results] > .search-result [data-slot="link"]'));
  }
  t.check(reached, 'keyboard: Tab reaches the results');
  await page.focus('[data-search-more]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-search-results] > .search-result').length > 10);
  const focus = await page.evaluate(() => {
    const items = [...document.querySelectorAll('[data-search-results] > .search-result')];
    return { index: items.indexOf(document.activeElement.closest('.search-result')), count: items.length };
  });
  t.check(focus.index === 10, `keyboard: 显示更多 moves focus to the first new result (${focus.index} of ${focus.count})`);
  const violations = await runAxe(page);
  t.check(violations.length === 0, 'axe: no violations on the search page with results', formatViolations(violations));
});

// ---- 长者版
await t.step('长者版', async () => {
  const elder = `${SITE_URL}elder/`;
  const r = await searchFor(page, elder, '公职律师');
  t.check(r.results.length === all.results.length, `长者版: the same results (${r.results.length})`);
  t.check(r.results.length > 0 && r.results.every((x) => x.links.every((h) => h.startsWith(`${sitePath}elder/`))), '长者版: every link leads to a 长者版 page', r.results.map((x) => x.links));
  const hasElderClass = await page.evaluate(() => document.documentElement.classList.contains('elder'));
  t.check(hasElderClass, '长者版: the page is the 长者版');
  const sizes = await page.evaluate(() => {
    const px = (el) => parseFloat(getComputedStyle(el).fontSize);
    const box = (el) => el.getBoundingClientRect();
    return {
      text: px(document.querySelector('[data-search-results] > .search-result .search-result-text')),
      title: px(document.querySelector('[data-search-results] > .search-result .search-result-title')),
      select: box(document.querySelector('#search-j')).height,
      link: box(document.querySelector('[data-search-results] > .search-result .search-result-title a')).height,
    };
  });
  t.check(sizes.text >= 20 && sizes.title >= 28 && sizes.select >= 60 && sizes.link >= 60, '长者版: large text and targets', sizes);
  const first = r.results[0].href;
  await visit(page, new URL(first, SITE_URL).href);
  t.check(await page.evaluate(() => document.documentElement.classList.contains('elder')), '长者版: a result opens the 长者版 plan page');
});

// ---- a sub-path
if (SUB_SITE_URL && SUB_SITE_DIR) {
  await t.step('sub-path', async () => {
    const sub = new URL(SUB_SITE_URL).pathname;
    const r = await searchFor(page, SUB_SITE_URL, '宪法宣誓');
    t.check(r.results.length > 0, `sub-path: results under ${sub}`);
    t.check(r.results.length > 0 && r.results.every((x) => x.links.every((h) => h.startsWith(sub))), 'sub-path: links stay under the sub-path', r.results[0]);
    const res = await page.goto(new URL(r.results[0].href, SUB_SITE_URL).href);
    t.check(res && res.status() === 200, 'sub-path: a result opens');
  });
}

t.check(jsErrors.length === 0, 'no script errors', jsErrors);
await context.close();

// ---- without JavaScript
await t.step('no JavaScript', async () => {
  const ctx = await launch({ javaScriptEnabled: false });
  const p = await ctx.newPage();
  for (const where of [`${SITE_URL}search/?q=${encodeURIComponent('公职律师')}`, SITE_URL]) {
    await visit(p, where);
    const s = await p.evaluate(() => {
      const form = document.querySelector('main form.search-form');
      const note = form && form.querySelector('.search-nojs');
      const visible = (el) => !!el && el.getBoundingClientRect().height > 0;
      return {
        note: note ? note.textContent.trim() : null,
        visible: visible(note),
        links: note ? [...note.querySelectorAll('a')].map((a) => a.getAttribute('href')) : [],
        jsOnly: document.querySelectorAll('[data-search-js]').length,
        filtersHidden: [...document.querySelectorAll('[data-search-js]')].every((el) => !visible(el)),
      };
    });
    t.check(s.visible && /JavaScript/.test(s.note), `no JavaScript (${where}): the search box says search needs JavaScript`, s);
    t.check(s.links.some((h) => h.endsWith('topics/')) && s.links.some((h) => h.endsWith('units/')), `no JavaScript (${where}): it links to the topic and unit indexes`, s.links);
    // The search page has controls that need JavaScript (filters, results); the home page's box has none.
    const expected = where.includes('/search/') ? s.jsOnly > 0 : s.jsOnly === 0;
    t.check(expected && s.filtersHidden, `no JavaScript (${where}): the controls that need JavaScript (${s.jsOnly}) do not show`);
  }
  await ctx.close();
});

await t.done('search: queries, filters, 长者版, keyboard, sub-path, no JavaScript');
