// Links, at / and from the sub-path build (--base-url /fzjs/):
//   - a crawl from the home page over every link, stylesheet, script and icon
//     of every page: each answers 200 with the right content type, none leaves
//     the sub-path, every #fragment names an element of its page, and every
//     page of the output is reached (404.html aside);
//   - in the browser, under /fzjs/: the home page loads its styles and script,
//     the 无障碍 toolbar opens, and the 长者版 link and the menu lead to pages
//     under /fzjs/.
import { launch, htmlPaths, report, visit, SITE_URL, SITE_DIR, SUB_SITE_URL, SUB_SITE_DIR } from './lib.mjs';

const t = report('links');
const sites = [{ base: SITE_URL, dir: SITE_DIR }];
if (SUB_SITE_URL && SUB_SITE_DIR) sites.push({ base: SUB_SITE_URL, dir: SUB_SITE_DIR });

// A script may be text/javascript or application/javascript (Debian's nginx).
const TYPES = { '.css': 'text/css', '.js': 'javascript', '.svg': 'image/svg+xml', '.json': 'application/json', '.xml': 'xml', '.csv': 'text/csv', '.ics': 'text/calendar', '.txt': 'text/plain' };

function decode(s) {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

async function crawl({ base, dir }) {
  const origin = new URL(base).origin;
  const basePath = new URL(base).pathname;
  const pages = new Map(); // url without fragment -> { ids }
  const fragments = []; // [from, url, id]
  const problems = [];
  const checked = new Set();
  const queue = [base];
  const seen = new Set(queue);
  let resources = 0;
  while (queue.length) {
    const url = queue.shift();
    const res = await fetch(url, { redirect: 'manual' });
    const type = res.headers.get('content-type') || '';
    if (res.status !== 200) {
      problems.push(`${url}: HTTP ${res.status}`);
      continue;
    }
    const ext = (new URL(url).pathname.match(/\.[a-z0-9]+$/) || [''])[0];
    if (!type.startsWith('text/html') && !(ext === '' || ext === '.html')) {
      resources++;
      if (TYPES[ext] && !type.includes(TYPES[ext])) problems.push(`${url}: served as ${type}`);
      await res.arrayBuffer();
      continue;
    }
    if (!type.startsWith('text/html')) {
      problems.push(`${url}: served as ${type}`);
      continue;
    }
    const html = await res.text();
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => decode(m[1])));
    pages.set(url, ids);
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = decode(m[1]);
      if (/^(mailto|tel|javascript|data):/i.test(raw)) continue;
      let target;
      try {
        target = new URL(raw, url);
      } catch {
        problems.push(`${url}: bad link ${raw}`);
        continue;
      }
      if (target.origin !== origin) continue; // the documents' own sources, elsewhere
      if (!target.pathname.startsWith(basePath)) {
        problems.push(`${url}: link out of ${basePath}: ${raw}`);
        continue;
      }
      const bare = target.origin + target.pathname;
      if (target.hash.length > 1) fragments.push([url, bare, decodeURIComponent(target.hash.slice(1))]);
      // The search form's ?q= answers come from the same page; static files
      // carry ?v=FINGERPRINT (docs/deploy.md) and are fetched with it.
      const versioned = /^\?v=[0-9a-f]+$/.test(target.search);
      if (target.search && !versioned) continue;
      const next = versioned ? bare + target.search : bare;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
    checked.add(url);
  }
  for (const [from, url, id] of fragments) {
    const ids = pages.get(url);
    if (ids && !ids.has(id)) problems.push(`${from}: #${id} is not on ${url}`);
  }
  const reached = new Set([...pages.keys()].map((u) => u.slice(base.length)));
  const orphans = htmlPaths(dir).filter((rel) => !/(^|\/)404\.html$/.test(rel) && !reached.has(rel));
  return { pages: pages.size, resources, fragments: fragments.length, problems, orphans };
}

let pageCount = 0;
for (const site of sites) {
  await t.step(`crawl ${site.base}`, async () => {
    const r = await crawl(site);
    pageCount += r.pages;
    t.check(r.pages > 10, `${site.base}: the crawl reaches pages (${r.pages} pages, ${r.resources} other files, ${r.fragments} #links)`);
    t.check(r.problems.length === 0, `${site.base}: every link, style sheet, script and #fragment works`, r.problems.slice(0, 30).join('\n'));
    t.check(r.orphans.length === 0, `${site.base}: every page of the output is linked from somewhere`, r.orphans.slice(0, 30).join('\n'));
  });
}

if (SUB_SITE_URL) {
  const context = await launch();
  const page = await context.newPage();
  const failures = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failures.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  await t.step('the sub-path build in the browser', async () => {
    await visit(page, SUB_SITE_URL);
    const styled = await page.evaluate(() => getComputedStyle(document.body).display === 'flex' && document.documentElement.classList.contains('js'));
    t.check(styled && failures.length === 0, `${SUB_SITE_URL}: styles and script load from the sub-path`, failures.join('\n'));
    await page.click('button.a11y-entry:visible');
    t.check(await page.locator('#a11y-toolbar').isVisible(), `${SUB_SITE_URL}: the 无障碍 toolbar opens`);
    await page.evaluate(() => localStorage.clear());
    await Promise.all([page.waitForNavigation(), page.click('a.elder-entry')]);
    t.check(new URL(page.url()).pathname === new URL(SUB_SITE_URL).pathname + 'elder/', `the 长者版 link leads to ${SUB_SITE_URL}elder/`, page.url());
    const nav = page.locator('nav[aria-label="主导航"] a').nth(1);
    await Promise.all([page.waitForNavigation(), nav.click()]);
    t.check(new URL(page.url()).pathname.startsWith(new URL(SUB_SITE_URL).pathname + 'elder/') && failures.length === 0, `the 长者版 menu stays under the sub-path (${page.url()})`, failures.join('\n'));
  });
  await context.close();
}

await t.done(`${pageCount} pages crawled at ${sites.map((s) => s.base).join(' and ')}`);
