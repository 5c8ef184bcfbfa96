// What nginx with deploy/'s configuration answers (nginx.sh runs it, with
// SITE_URL and SUB_SITE_URL on nginx): the precompressed files with their
// Content-Encoding, Cache-Control (a year for static files linked with ?v=,
// revalidation for everything else, and the 304 of a revalidation), the
// security headers, the content types, the site's 404 pages with status 404,
// and the sub-path build at /fzjs/. Plain HTTP (node:http): nothing is
// decompressed behind the test's back.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { report, planPath, SITE_URL, SITE_DIR, SUB_SITE_URL, SUB_SITE_DIR } from './lib.mjs';

const t = report('nginx-http');
const YEAR = 'public, max-age=31536000, immutable';

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

function file(dir, rel) {
  return fs.readFileSync(path.join(dir, rel === '' || rel.endsWith('/') ? rel + 'index.html' : rel));
}

/** The security headers every answer carries, 404s too. */
function secure(r, what) {
  const csp = r.headers['content-security-policy'] || '';
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
  t.check(
    directives['default-src'] === "'self'" && directives['script-src'] === "'self'" && directives['style-src'] === "'self'" && !/unsafe/.test(csp),
    `${what}: a strict Content-Security-Policy (no inline script or style)`,
    csp,
  );
  t.check(r.headers['x-content-type-options'] === 'nosniff', `${what}: X-Content-Type-Options: nosniff`, r.headers);
  t.check(r.headers['referrer-policy'] === 'strict-origin-when-cross-origin', `${what}: Referrer-Policy`, r.headers['referrer-policy']);
}

/** A page: 200, HTML in UTF-8, its file's bytes, revalidated (ETag,
 *  Last-Modified, no-cache), and its .gz and .br sent to browsers that take them. */
async function page(base, dir, rel, what) {
  const url = base + rel;
  const want = file(dir, rel);
  const r = await get(url);
  t.check(r.status === 200 && r.headers['content-type'] === 'text/html; charset=utf-8', `${what}: 200, text/html; charset=utf-8`, [url, r.status, r.headers['content-type']]);
  t.check(!r.headers['content-encoding'] && r.body.equals(want), `${what}: the file as is to a client that takes no compression`, r.headers['content-encoding']);
  t.check(r.headers['cache-control'] === 'no-cache' && r.headers.etag && r.headers['last-modified'], `${what}: revalidated (no-cache, ETag, Last-Modified)`, r.headers);
  secure(r, what);
  const gz = await get(url, { 'accept-encoding': 'gzip' });
  t.check(gz.headers['content-encoding'] === 'gzip' && zlib.gunzipSync(gz.body).equals(want), `${what}: Content-Encoding: gzip, the page's .gz`, gz.headers);
  t.check(/accept-encoding/i.test(gz.headers.vary || ''), `${what}: Vary: Accept-Encoding`, gz.headers.vary);
  const br = await get(url, { 'accept-encoding': 'br' });
  t.check(br.headers['content-encoding'] === 'br' && zlib.brotliDecompressSync(br.body).equals(want), `${what}: Content-Encoding: br, the page's .br`, br.headers);
  const again = await get(url, { 'if-none-match': r.headers.etag });
  t.check(again.status === 304 && again.body.length === 0, `${what}: revalidation with its ETag answers 304, no body`, again.status);
}

/** A path that is not there: the site's own 404 page (`page404` of `dir`), status 404. */
async function missing(base, dir, rel, page404, what) {
  const r = await get(base + rel);
  t.check(r.status === 404 && r.body.equals(file(dir, page404)), `${what}: ${rel} answers 404 with ${page404}`, [r.status, r.body.length]);
  t.check(r.headers['cache-control'] === 'no-cache', `${what}: the 404 is not kept`, r.headers['cache-control']);
  secure(r, `${what} (404)`);
}

/** The theme's static files as the page links them, and without ?v=. */
async function statics(base, what) {
  const home = (await get(base)).body.toString('utf8');
  const links = [...home.matchAll(/\s(?:href|src)="([^"]*\/static\/[^"]+)"/g)].map((m) => new URL(m[1].replace(/&amp;/g, '&'), base).href);
  t.check(links.length >= 3 && links.every((u) => /\?v=[0-9a-f]{12}$/.test(u)), `${what}: the home page links its static files with ?v=FINGERPRINT`, links);
  for (const u of links) {
    const r = await get(u);
    t.check(r.status === 200 && r.headers['cache-control'] === YEAR, `${what}: ${new URL(u).pathname} is kept a year`, [r.status, r.headers['cache-control']]);
    secure(r, `${what}: ${new URL(u).pathname}`);
  }
  const css = links.find((u) => /\.css\?/.test(u));
  const js = links.find((u) => /\.js\?/.test(u));
  if (css) t.check((await get(css)).headers['content-type'] === 'text/css; charset=utf-8', `${what}: CSS as text/css; charset=utf-8`);
  if (js) t.check(/^(text|application)\/javascript; charset=utf-8$/.test((await get(js)).headers['content-type']), `${what}: scripts as JavaScript in UTF-8`);
  if (css) {
    const bare = await get(css.replace(/\?.*$/, ''));
    t.check(bare.status === 200 && bare.headers['cache-control'] === 'no-cache', `${what}: a static file asked for without ?v= is revalidated`, bare.headers['cache-control']);
  }
}

// ---- the site at /
await t.step('the site at / (deploy/nginx.conf)', async () => {
  const plan = planPath(SITE_DIR);
  await page(SITE_URL, SITE_DIR, '', 'home');
  await page(SITE_URL, SITE_DIR, plan, 'plan page');
  await page(SITE_URL, SITE_DIR, 'elder/' + plan, '长者版 plan page');
  await statics(SITE_URL, '/');
  await missing(SITE_URL, SITE_DIR, 'no-such-page/', '404.html', '/');
  await missing(SITE_URL, SITE_DIR, 'elder/no-such-page/', 'elder/404.html', '长者版');
  await missing(SITE_URL, SITE_DIR, 'hant/no-such-page/', 'hant/404.html', '繁體');
  if (fs.existsSync(path.join(SITE_DIR, '.planpress/manifest.tsv'))) {
    await missing(SITE_URL, SITE_DIR, '.planpress/manifest.tsv', '404.html', 'the deploy manifest');
  } else {
    t.check(false, 'the site was built with --compress: .planpress/manifest.tsv is there', SITE_DIR);
  }
  const folder = await get(SITE_URL + plan.replace(/\/$/, ''));
  t.check(folder.status === 301 && folder.headers.location === '/' + plan, `a folder without its slash is redirected to it, relatively`, [folder.status, folder.headers.location]);
  const types = { '.csv': 'text/csv; charset=utf-8', '.ics': 'text/calendar; charset=utf-8', '.json': 'application/json; charset=utf-8', '.xml': 'text/xml; charset=utf-8' };
  for (const [ext, type] of Object.entries(types)) {
    const rel = findFile(SITE_DIR, ext);
    if (!t.check(rel, `the site has a ${ext} file`)) continue;
    const r = await get(SITE_URL + rel);
    t.check(r.status === 200 && r.headers['content-type'] === type && r.headers['cache-control'] === 'no-cache', `${rel}: ${type}, revalidated`, [r.status, r.headers['content-type'], r.headers['cache-control']]);
  }
});

// ---- the sub-path build at /fzjs/
await t.step('the sub-path build (deploy/nginx-subpath.conf)', async () => {
  const base = SUB_SITE_URL;
  const prefix = new URL(base).pathname;
  await page(base, SUB_SITE_DIR, '', 'sub-path home');
  await page(base, SUB_SITE_DIR, planPath(SUB_SITE_DIR), 'sub-path plan page');
  await statics(base, prefix);
  await missing(base, SUB_SITE_DIR, 'no-such-page/', '404.html', prefix);
  await missing(base, SUB_SITE_DIR, 'elder/no-such-page/', 'elder/404.html', prefix + ' 长者版');
  const bare = await get(base.replace(/\/$/, ''));
  t.check(bare.status === 301 && bare.headers.location === prefix, `${prefix.replace(/\/$/, '')} is redirected to ${prefix}`, [bare.status, bare.headers.location]);
  // Every link of the home and a plan page stays under the sub-path and answers.
  for (const rel of ['', planPath(SUB_SITE_DIR)]) {
    const html = file(SUB_SITE_DIR, rel).toString('utf8');
    const urls = new Set();
    for (const m of html.matchAll(/\s(?:href|src)="([^"#]*)/g)) {
      const u = new URL(m[1].replace(/&amp;/g, '&'), base + rel);
      if (u.origin === new URL(base).origin && !u.search.startsWith('?q=')) urls.add(u.href);
    }
    const bad = [];
    for (const u of urls) {
      if (!new URL(u).pathname.startsWith(prefix)) bad.push(`outside ${prefix}: ${u}`);
      else if ((await get(u)).status !== 200) bad.push(`not 200: ${u}`);
    }
    t.check(urls.size > 10 && bad.length === 0, `${prefix}${rel}: its ${urls.size} links resolve under ${prefix}`, bad.slice(0, 10).join('\n'));
  }
});

// ---- every .gz and .br beside a file holds that file's bytes: nginx sends them
// in its place to browsers that take them, and the specs run through nginx
// (links, search, elder, toolbar) check what the files say.
await t.step('the precompressed files', async () => {
  for (const dir of [SITE_DIR, SUB_SITE_DIR].filter(Boolean)) {
    const bad = [];
    let count = 0;
    for (const rel of allFiles(dir)) {
      const m = /^(.*)\.(gz|br)$/.exec(rel);
      if (!m || !fs.existsSync(path.join(dir, m[1]))) continue;
      const packed = fs.readFileSync(path.join(dir, rel));
      const same = (m[2] === 'gz' ? zlib.gunzipSync(packed) : zlib.brotliDecompressSync(packed)).equals(fs.readFileSync(path.join(dir, m[1])));
      count++;
      if (!same) bad.push(rel);
    }
    t.check(count > 100 && bad.length === 0, `${dir}: each of its ${count} .gz and .br files holds the bytes of the file it stands for`, bad.slice(0, 10).join('\n'));
  }
});

/** Every file under `dir`, as paths relative to it. */
function allFiles(dir, rel = '') {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(dir, rel + e.name + '/') : [rel + e.name]));
}

function findFile(dir, ext) {
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop();
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) stack.push(rel + e.name + '/');
      else if (e.name.endsWith(ext)) return rel + e.name;
    }
  }
  return null;
}

await t.done(`nginx: compression, caching, headers, 404 pages and the sub-path at ${SITE_URL} and ${SUB_SITE_URL}`);
