// Shared helpers of the browser suite (tests/browser/*.spec.mjs, run by run.sh).
//
// Environment (set by run.sh):
//   SITE_URL        the example site, e.g. http://127.0.0.1:PORT/
//   SITE_DIR        its output folder
//   SUB_SITE_URL    optional: a second build published under a sub-path
//   SUB_SITE_DIR      (--base-url /fzjs/, small page_size so unit and topic pages paginate)
//   RTL_SITE_URL    optional: the fixture site with a Uyghur edition under ug/
//   RTL_SITE_DIR      (tests/fixtures/editions-ug, published under /rtl/)
//   SCREENSHOT_DIR  where screenshots go (outside the repo)
//   CHROMIUM        the browser binary (default /usr/bin/chromium)
//
// A spec:
//   import { launch, pageTypes, runAxe, report } from './lib.mjs';
//   const t = report('elder');
//   const context = await launch({ viewport: { width: 375, height: 800 } });
//   const page = await context.newPage();
//   t.check(cond, 'what was checked', details?);
//   await t.done('12 pages checked');   // closes browsers, prints the tally, exits 1 on any failure
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const SITE_URL = withSlash(process.env.SITE_URL || 'http://127.0.0.1:8000/');
export const SITE_DIR = process.env.SITE_DIR || path.resolve('public');
export const SUB_SITE_URL = process.env.SUB_SITE_URL ? withSlash(process.env.SUB_SITE_URL) : null;
export const SUB_SITE_DIR = process.env.SUB_SITE_DIR || null;
export const RTL_SITE_URL = process.env.RTL_SITE_URL ? withSlash(process.env.RTL_SITE_URL) : null;
export const RTL_SITE_DIR = process.env.RTL_SITE_DIR || null;
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || '/tmp/planpress-shots';
/** Debian's chromium-headless-shell when it is there (run.sh installs it): the
 *  same Chromium version and engine as its `chromium` package, without the
 *  desktop browser around it; on CI's two cores a launch costs half the CPU and
 *  a page checked with axe a third less (the full browser is the fallback). */
export const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';
export const CHROMIUM = process.env.CHROMIUM || (fs.existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];
/** The JVM options of the Nu HTML checker (vnu.jar): a deep stack for its
 *  parser; the quick JIT only and one GC thread, as a run is seconds long and
 *  shares CI's two cores with a browser (the same checks for ~40 % less CPU). */
export const VNU_JAVA_ARGS = ['-Xss4m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

function withSlash(u) {
  return u.endsWith('/') ? u : u + '/';
}

// ---------------------------------------------------------------- browser

// One Chromium per spec process, shared by its contexts: a context is as
// fresh as a new browser (its own storage, cache and cookies), and each launch
// costs a second or more of CPU on CI's two cores.
let browserPromise = null;
// CSP_CONSOLE=1 (nginx.sh, whose nginx sends a Content-Security-Policy): every
// console message about it, in any page of any context, fails the spec.
const cspMessages = [];

function sharedBrowser() {
  if (!browserPromise) {
    browserPromise = chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: 60_000,
    });
  }
  return browserPromise;
}

/** A new browser context of the spec's headless Debian Chromium (launched at
 *  the first call, shared by the next ones; closed by `t.done()`). Options are
 *  Playwright's newContext options; `javaScriptEnabled` defaults to true, the
 *  viewport to 1280x900. */
export async function launch({ javaScriptEnabled = true, viewport = { width: 1280, height: 900 }, ...options } = {}) {
  const browser = await sharedBrowser();
  const context = await browser.newContext({
    javaScriptEnabled,
    viewport,
    locale: 'zh-CN',
    reducedMotion: 'reduce',
    ...options,
  });
  context.setDefaultTimeout(30_000);
  if (process.env.CSP_CONSOLE) {
    context.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspMessages.push(`${m.location().url}: ${m.text()}`);
    });
  }
  const close = context.close.bind(context);
  context.close = () => close().catch(() => {});
  return context;
}

async function closeAll() {
  if (!browserPromise) return;
  const browser = await browserPromise.catch(() => null);
  if (browser) await browser.close().catch(() => {});
}

/** Go to `url` and wait for the page to be loaded; fails on a status other
 *  than `status` (200 unless told). Returns the response. */
export async function visit(page, url, { status = 200 } = {}) {
  const res = await page.goto(url, { waitUntil: 'load' });
  if (!res) throw new Error(`no response for ${url}`);
  if (res.status() !== status) throw new Error(`${url}: HTTP ${res.status()}, expected ${status}`);
  return res;
}

// ---------------------------------------------------------------- pages

/** Every HTML file of an output folder, as site-relative URL paths
 *  (`plans/x/` for plans/x/index.html, `404.html` as it is), sorted. */
export function htmlPaths(dir = SITE_DIR) {
  const out = [];
  (function walk(d, rel) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      const r = rel + e.name;
      if (e.isDirectory()) walk(p, r + '/');
      else if (e.isFile() && e.name.endsWith('.html')) out.push(e.name === 'index.html' ? rel : r);
    }
  })(dir, '');
  return out.sort();
}

/** The page kind of a built page: its `<body class="kind-…">`. */
export function pageKind(dir, rel) {
  const file = path.join(dir, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel);
  const m = /<body[^>]*class="[^"]*\bkind-([a-z0-9_-]+)/.exec(fs.readFileSync(file, 'utf8'));
  return m ? m[1] : 'unknown';
}

/** The page types the example site must have, each checked on purpose: a type
 *  missing from a build's output, or one found there that is not listed, makes
 *  `pageTypes` throw (so a page type that disappears fails the suite instead of
 *  being tested less). Each has a 长者版 twin under elder/. */
export const PAGE_TYPES = ['home', 'plans', 'plan', 'notice', 'units', 'unit', 'topics', 'topic', 'jurisdictions', 'jurisdiction', 'search', '404'];
/** Listings that must have a later page (page/2/…) in the sub-path build, whose
 *  small page_size makes them paginate. */
export const PAGED_TYPES = ['unit', 'topic'];

/** Representative pages of every page type, standard and 长者版 (and, with
 *  `editions: true`, in every edition of EDITIONS), discovered
 *  from the output folder by their `kind-…` body class: the largest page of
 *  each kind (the most content to get wrong), and the first later page of a paginated unit and topic listing where the
 *  build has one. Each entry: { type, kind, elder, path, url, status }.
 *  The 404 type is a path that does not exist (the server answers 404.html). */
/** The folders of the example site's editions besides its own pages (site.yaml's
 *  `editions:`), with their `lang`: each has every page type. */
export const EDITIONS = [{ prefix: 'hant/', lang: 'zh-Hant', name: '繁體' }];
/** The `lang` a page of the output must have, by its path. */
export function langOf(rel) {
  const e = EDITIONS.find((x) => rel.startsWith(x.prefix));
  return e ? e.lang : 'zh-CN';
}

export function pageTypes({ dir = SITE_DIR, base = SITE_URL, elder = true, editions = false } = {}) {
  const firsts = new Map();
  const paged = new Map();
  const sizes = new Map();
  for (const rel of htmlPaths(dir)) {
    if (rel.startsWith('elder/') || EDITIONS.some((e) => rel.startsWith(e.prefix))) continue;
    const kind = pageKind(dir, rel);
    if (kind === 'not_found' || kind === '404' || rel === '404.html') {
      firsts.set('404', null);
      continue;
    }
    if (/\/page\/\d+\/$/.test(rel)) {
      if (!paged.has(kind)) paged.set(kind, rel);
    } else {
      const size = fs.statSync(path.join(dir, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel)).size;
      if (!firsts.has(kind) || size > sizes.get(kind)) {
        firsts.set(kind, rel);
        sizes.set(kind, size);
      }
    }
  }
  const missing = PAGE_TYPES.filter((k) => !firsts.has(k));
  const unlisted = [...firsts.keys()].filter((k) => !PAGE_TYPES.includes(k));
  const unpaged = dir === SUB_SITE_DIR ? PAGED_TYPES.filter((k) => !paged.has(k)) : [];
  if (missing.length || unlisted.length || unpaged.length) {
    throw new Error(`page types of ${dir}: missing ${JSON.stringify(missing)}, not in PAGE_TYPES ${JSON.stringify(unlisted)}, without a page 2 ${JSON.stringify(unpaged)}`);
  }
  const kinds = [...firsts.keys()].sort((a, b) => rank(PAGE_TYPES, a) - rank(PAGE_TYPES, b));
  const list = [];
  for (const kind of kinds) {
    if (kind === '404') {
      list.push({ type: '404', kind: '404', path: 'no-such-page/', status: 404 });
      continue;
    }
    list.push({ type: kind, kind, path: firsts.get(kind), status: 200 });
    if (paged.has(kind)) list.push({ type: `${kind} (page 2+)`, kind, path: paged.get(kind), status: 200 });
  }
  const out = [];
  for (const p of list) {
    out.push({ ...p, elder: false, url: base + p.path });
    if (!elder) continue;
    const file = path.join(dir, 'elder', p.path.endsWith('/') ? p.path + 'index.html' : p.path);
    if (p.status !== 404 && !fs.existsSync(file)) throw new Error(`${p.type}: no 长者版 ${file}`);
    out.push({ ...p, type: p.type + ' 长者版', elder: true, path: 'elder/' + p.path, url: base + 'elder/' + p.path });
  }
  if (!editions) return out;
  // With `editions`: the same pages in each edition (standard version).
  for (const e of EDITIONS) {
    for (const p of list) {
      const file = path.join(dir, e.prefix, p.path.endsWith('/') ? p.path + 'index.html' : p.path);
      if (p.status !== 404 && !fs.existsSync(file)) throw new Error(`${p.type}: no ${e.name} page ${file}`);
      out.push({ ...p, type: `${p.type} ${e.name}`, elder: false, edition: e.prefix, path: e.prefix + p.path, url: base + e.prefix + p.path });
    }
  }
  return out;
}

/** The right-to-left edition of the fixture site (tests/fixtures/editions-ug). */
export const RTL_EDITION = { prefix: 'ug/', lang: 'ug', dir: 'rtl', name: 'ئۇيغۇرچە' };
/** The page types the fixture's one plan gives (it has no notice). */
export const RTL_PAGE_TYPES = PAGE_TYPES.filter((k) => k !== 'notice');

/** The fixture's Uyghur page of each type (its largest, as pageTypes picks),
 *  and a missing page under ug/ (the 404 answer); empty without the fixture.
 *  Each entry: { type, kind, path, url, status, lang, dir }. */
export function rtlPages() {
  if (!RTL_SITE_DIR || !RTL_SITE_URL) return [];
  const dir = path.join(RTL_SITE_DIR, RTL_EDITION.prefix);
  const firsts = new Map();
  for (const rel of htmlPaths(dir)) {
    if (rel.startsWith('elder/') || rel === '404.html') continue;
    const kind = pageKind(dir, rel);
    const size = fs.statSync(path.join(dir, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel)).size;
    if (!firsts.has(kind) || size > firsts.get(kind).size) firsts.set(kind, { rel, size });
  }
  const missing = RTL_PAGE_TYPES.filter((k) => k !== '404' && !firsts.has(k));
  if (missing.length) throw new Error(`page types of ${dir}: missing ${JSON.stringify(missing)}`);
  const edition = { lang: RTL_EDITION.lang, dir: RTL_EDITION.dir };
  const out = RTL_PAGE_TYPES.filter((k) => k !== '404').map((kind) => {
    const p = RTL_EDITION.prefix + firsts.get(kind).rel;
    return { type: `${kind} ug`, kind, path: p, url: RTL_SITE_URL + p, status: 200, ...edition };
  });
  const gone = RTL_EDITION.prefix + 'no-such-page/';
  out.push({ type: '404 ug', kind: '404', path: gone, url: RTL_SITE_URL + gone, status: 404, ...edition });
  return out;
}

function rank(order, k) {
  const i = order.indexOf(k);
  return i < 0 ? order.length : i;
}

/** The representative plan page (standard), e.g. `plans/daoli-2017-shijian-fangan/`. */
export function planPath(dir = SITE_DIR) {
  const p = pageTypes({ dir, elder: false }).find((t) => t.kind === 'plan');
  if (!p) throw new Error(`no plan page in ${dir}`);
  return p.path;
}

// ---------------------------------------------------------------- axe

let axeSource = null;
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const axeIn = new WeakSet();

/** axe-core in every page of `context` from the start of each document (a
 *  spec that runs axe on many pages): runAxe then sends it to no page. */
export async function withAxe(context) {
  await context.addInitScript({ path: AXE_PATH });
  axeIn.add(context);
}

/** Run axe-core in `page` with the WCAG 2.0/2.1/2.2 A and AA rules; returns
 *  axe's violations (an empty list when there are none). */
export async function runAxe(page, { tags = AXE_TAGS } = {}) {
  if (!axeIn.has(page.context())) {
    if (!axeSource) axeSource = fs.readFileSync(AXE_PATH, 'utf8');
    const has = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!has) await page.evaluate(axeSource);
  }
  return page.evaluate(async (runOnly) => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: runOnly },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  }, tags);
}

/** One line per violation, for a failure message. */
export function formatViolations(violations, max = 5) {
  return violations
    .map((v) => {
      const nodes = v.nodes.slice(0, max).map((n) => `      ${n.target}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`);
      const more = v.nodes.length > max ? `\n      … and ${v.nodes.length - max} more` : '';
      return `    [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length})\n${nodes.join('\n')}${more}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------- in-page checks

/** Does the page scroll sideways? Returns null, or the widest offenders. */
export async function horizontalOverflow(page) {
  return page.evaluate(overflowInPage);
}

/** horizontalOverflow's measure, to run in the page (page.evaluate, or as a
 *  helper of a longer in-page check: `${overflowInPage}` in its source). */
export function overflowInPage() {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  if (doc.scrollWidth <= width) return null;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && r.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '');
      wide.push(`${name} (right edge ${Math.round(r.right)}px)`);
    }
  }
  return { scrollWidth: doc.scrollWidth, width, elements: wide.slice(0, 8) };
}

// ---------------------------------------------------------------- report

/** A tiny tally: check(cond, what, details) counts a check and prints each
 *  failure; done(summary) prints `  => summary` (run.sh repeats these lines at
 *  the end) and `NAME: N passed, M failed`, closes the browsers and exits (1 on
 *  any failure, or when nothing was checked). */
export function report(name) {
  const started = Date.now();
  let passed = 0;
  let failed = 0;
  const t = {
    name,
    get failed() {
      return failed;
    },
    check(cond, what, details) {
      if (cond) {
        passed++;
        if (process.env.VERBOSE) console.log(`  ok   ${what}`);
      } else {
        failed++;
        console.log(`  FAIL ${what}`);
        if (details) console.log(String(typeof details === 'string' ? details : JSON.stringify(details, null, 2)).replace(/^/gm, '       '));
      }
      return !!cond;
    },
    fail(what, details) {
      return t.check(false, what, details);
    },
    info(line) {
      console.log(`  ${line}`);
    },
    /** Run `fn`; an exception counts as one failed check instead of ending the spec. */
    async step(what, fn) {
      try {
        return await fn();
      } catch (e) {
        t.fail(what, e && e.stack ? e.stack : String(e));
        return undefined;
      }
    },
    async done(summary) {
      if (process.env.CSP_CONSOLE) t.check(cspMessages.length === 0, 'no Content Security Policy message in the console', cspMessages.slice(0, 10).join('\n'));
      await closeAll();
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (summary) console.log(`  => ${summary}`);
      console.log(`${name}: ${passed} passed, ${failed} failed (${secs}s)`);
      process.exit(failed > 0 || passed === 0 ? 1 : 0);
    },
  };
  process.on('unhandledRejection', async (e) => {
    t.fail('unhandled error', e && e.stack ? e.stack : String(e));
    await t.done();
  });
  return t;
}
