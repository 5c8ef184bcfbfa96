// Issue 18, items 6-8: what readers and their tools take away from the site.
//   - feed.xml validates against the Atom RELAX NG schema of RFC 4287 and
//     sitemap.xml against the sitemaps.org 0.9 XSD (xmllint, tests/schemas/);
//     every Atom id and link, sitemap <loc> and robots.txt's Sitemap line is an
//     absolute address under the site's base_url (the schemas take relative
//     addresses too); the schemas and that check reject a broken copy; the build
//     under a relative base (/fzjs/) writes no feed, no sitemap, no Sitemap line;
//   - the plan page's QR code, decoded with jsQR from a screenshot of it, is the
//     page's absolute address;
//   - a unit page's calendar link downloads an .ics whose events are all-day
//     dates (DTSTART;VALUE=DATE) ending the next day; every calendar has an
//     event; unit pages whose tasks have no date link to no calendar;
//   - the open data: tasks.csv's Chinese header row, tasks.json's roles apart,
//     absolute task addresses in both, the same in both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SITE_DIR, SITE_URL, SUB_SITE_DIR, launch, pageTypes, report, visit } from './lib.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const SCHEMAS = path.join(here, '..', 'schemas');
const t = report('addresses');

// The address the example site is published at (site.yaml's base_url).
const yaml = fs.readFileSync(path.join(here, '..', '..', 'site.yaml'), 'utf8');
const BASE = (/^base_url:\s*["']?([^"'\s#]+)/m.exec(yaml) || [])[1] || '';
t.check(/^https?:\/\/[^/]+\/(.*\/)?$/.test(BASE), `site.yaml's base_url is absolute (${BASE})`);
const read = (rel, dir = SITE_DIR) => fs.readFileSync(path.join(dir, rel), 'utf8');
/** `u` is an absolute http(s) address under the site's base_url. */
function absolute(u) {
  try {
    const url = new URL(u);
    return /^https?:$/.test(url.protocol) && url.host !== '' && u.startsWith(BASE);
  } catch {
    return false;
  }
}

// ---- 6. feed and sitemap: their schemas, absolute addresses, robots.txt

/** xmllint's verdict on `file` against `schema` (`--relaxng` or `--schema`). */
function xmllint(flag, schema, file) {
  const r = spawnSync('xmllint', ['--noout', flag, path.join(SCHEMAS, schema), file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, out: (r.stderr || '').split('\n').slice(0, 8).join('\n') };
}
const FEED = ['--relaxng', 'atom.rng'];
// The sitemaps.org 0.9 schema with the <xhtml:link hreflang> of the editions.
const SITEMAP = ['--schema', 'sitemap-alternates.xsd'];

/** The text of every `<name>` element and every `attr` attribute of `<name>` in `xml`. */
const texts = (xml, name) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);
const attrs = (xml, name, attr) => [...xml.matchAll(new RegExp(`<${name}\\b[^>]*\\b${attr}="([^"]*)"`, 'g'))].map((m) => m[1]);
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Every address a feed or a sitemap names, absolute or not. */
function addressesOf(xml) {
  return [...texts(xml, 'id'), ...texts(xml, 'loc'), ...attrs(xml, 'link', 'href'), ...attrs(xml, 'xhtml:link', 'href')].map(unescape);
}

await t.step('feed and sitemap', async () => {
  const feed = path.join(SITE_DIR, 'feed.xml');
  const sitemap = path.join(SITE_DIR, 'sitemap.xml');
  let v = xmllint(...FEED, feed);
  t.check(v.ok, 'feed.xml validates against the Atom RELAX NG schema (RFC 4287)', v.out);
  v = xmllint(...SITEMAP, sitemap);
  t.check(v.ok, 'sitemap.xml validates against the sitemaps.org 0.9 schema (with xhtml:link alternates)', v.out);
  const feedXml = read('feed.xml');
  const sitemapXml = read('sitemap.xml');
  const ids = texts(feedXml, 'id');
  const entries = feedXml.split('<entry>').length - 1;
  t.check(entries > 0 && ids.length === entries + 1, `feed.xml: an id for the feed and each of its ${entries} entries`, ids.length);
  const locs = texts(sitemapXml, 'loc');
  t.check(locs.length > 100, `sitemap.xml lists the site (${locs.length} addresses)`);
  const relative = [...addressesOf(feedXml), ...addressesOf(sitemapXml)].filter((u) => !absolute(u));
  t.check(relative.length === 0, `every Atom id and link and sitemap <loc> is absolute under ${BASE}`, relative.slice(0, 5));
  // Each <loc> is a page that was built.
  const missing = locs.map(unescape).filter((u) => {
    const rel = u.slice(BASE.length);
    return !fs.existsSync(path.join(SITE_DIR, rel.endsWith('/') || rel === '' ? rel + 'index.html' : rel));
  });
  t.check(missing.length === 0, 'every sitemap <loc> was built', missing.slice(0, 5));
  const robots = read('robots.txt');
  const line = /^Sitemap:\s*(\S+)\s*$/m.exec(robots);
  t.check(line && line[1] === BASE + 'sitemap.xml', `robots.txt: Sitemap: ${BASE}sitemap.xml`, robots);

  // The checks can fail: broken copies of both files are rejected.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'planpress-addresses-'));
  try {
    const write = (name, text) => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, text);
      return file;
    };
    const shortLoc = write('short-loc.xml', sitemapXml.replace(/<loc>[^<]*<\/loc>/, '<loc>/</loc>'));
    t.check(!xmllint(...SITEMAP, shortLoc).ok, 'the sitemap schema rejects a sitemap whose <loc> is `/`');
    const noId = write('no-id.xml', feedXml.replace(/<id>[^<]*<\/id>/, ''));
    t.check(!xmllint(...FEED, noId).ok, 'the Atom schema rejects a feed without its <id>');
    const undated = write('undated.xml', feedXml.replace(/<updated>[^<]*<\/updated>/, '<updated>2020-01-01</updated>'));
    t.check(!xmllint(...FEED, undated).ok, 'the Atom schema rejects an <updated> that is not a date-time');
    // A longer relative <loc> is a valid xsd:anyURI: the address check catches it.
    const relLoc = sitemapXml.replace(/<loc>[^<]*<\/loc>/, '<loc>/plans/some-plan/</loc>');
    t.check(addressesOf(relLoc).some((u) => !absolute(u)), 'the address check rejects a relative <loc> the schema lets through');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  // The build under a relative base (run.sh: --base-url /fzjs/) writes none of them.
  if (SUB_SITE_DIR) {
    t.check(!fs.existsSync(path.join(SUB_SITE_DIR, 'feed.xml')), 'a relative base_url: no feed.xml');
    t.check(!fs.existsSync(path.join(SUB_SITE_DIR, 'sitemap.xml')), 'a relative base_url: no sitemap.xml');
    t.check(!/Sitemap/i.test(read('robots.txt', SUB_SITE_DIR)), "a relative base_url: robots.txt has no Sitemap line");
  }
});

// ---- 6. the plan page's QR code is the page's absolute address
const types = pageTypes({ elder: false });
const plan = types.find((p) => p.kind === 'plan');
{
  const context = await launch();
  const page = await context.newPage();
  await t.step('QR code', async () => {
    await visit(page, plan.url);
    const qr = page.locator('.qr-code');
    t.check((await qr.count()) === 1, `${plan.path}: one QR code`);
    await qr.scrollIntoViewIfNeeded();
    const png = await qr.screenshot();
    const shown = (await page.locator('.qr-url .url').textContent()) || '';
    // Decoded where jsQR runs as in a reader's phone: a page of its own.
    const decoder = await context.newPage();
    await decoder.addScriptTag({ path: require.resolve('jsqr/dist/jsQR.js') });
    const text = await decoder.evaluate(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height);
      const code = window.jsQR(d.data, c.width, c.height);
      return code ? code.data : null;
    }, png.toString('base64'));
    const want = BASE + plan.path;
    t.check(text === want, `${plan.path}: the QR code decodes to ${want}`, { decoded: text });
    t.check(shown.trim() === want, `${plan.path}: the address under the QR code is ${want}`, shown);
  });
  await context.close();
}

// ---- 7. calendars: downloadable, all-day events, only for units with dates

/** The properties of each VEVENT of an iCalendar text (lines unfolded). */
function events(ics) {
  const lines = ics.replace(/\r\n[ \t]/g, '').split(/\r\n/);
  const out = [];
  let ev = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') ev = {};
    else if (l === 'END:VEVENT') {
      out.push(ev);
      ev = null;
    } else if (ev) {
      const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/.exec(l);
      if (m) ev[m[1]] = { params: m[2], value: m[3] };
    }
  }
  return out;
}
const nextDay = (ymd) => {
  const d = new Date(Date.UTC(+ymd.slice(0, 4), +ymd.slice(4, 6) - 1, +ymd.slice(6, 8) + 1));
  return d.toISOString().slice(0, 10).replace(/-/g, '');
};
/** What is wrong with a calendar's events, or [] (RFC 5545, issue 18 item 7). */
function calendarFaults(ics) {
  const faults = [];
  if (!ics.startsWith('BEGIN:VCALENDAR\r\n') || !ics.trimEnd().endsWith('END:VCALENDAR')) faults.push('not a VCALENDAR');
  const evs = events(ics);
  if (evs.length === 0) faults.push('no VEVENT');
  for (const e of evs) {
    const s = e.DTSTART;
    const end = e.DTEND;
    if (!s || s.params !== ';VALUE=DATE' || !/^\d{8}$/.test(s.value)) faults.push(`DTSTART ${JSON.stringify(s)}`);
    else if (!end || end.params !== ';VALUE=DATE' || end.value !== nextDay(s.value)) faults.push(`DTEND ${JSON.stringify(end)} after ${s.value}`);
    if (!e.UID || !e.DTSTAMP || !e.SUMMARY) faults.push(`UID, DTSTAMP or SUMMARY missing in ${JSON.stringify(e)}`);
    if (e.URL && !absolute(e.URL.value)) faults.push(`URL ${e.URL.value}`);
  }
  return faults;
}

// The unit pages, read from the output folder: which link a calendar.
const unitPages = [];
(function walk(rel) {
  for (const e of fs.readdirSync(path.join(SITE_DIR, rel), { withFileTypes: true })) {
    if (e.isDirectory() && e.name !== 'page') walk(rel + e.name + '/');
    else if (e.name === 'index.html' && rel !== 'units/') {
      const html = read(rel + 'index.html');
      if (!/class="[^"]*\bkind-unit\b/.test(html)) continue;
      const link = /href="([^"]*\.ics)"/.exec(html);
      const name = (/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html) || [])[1] || '';
      unitPages.push({ rel, link: link ? link[1] : null, h1: name.replace(/<[^>]+>/g, '').trim() });
    }
  }
})('units/');
const tasks = JSON.parse(read('data/tasks.json'));
const records = Array.isArray(tasks) ? tasks : tasks.tasks || [];

await t.step('calendars', async () => {
  const withCal = unitPages.filter((u) => u.link);
  t.check(unitPages.length > 20 && withCal.length > 0, `unit pages (${unitPages.length}), with a calendar (${withCal.length})`);
  // Every calendar written has all-day events; every link has its file.
  const icsFiles = [];
  (function walk(rel) {
    for (const e of fs.readdirSync(path.join(SITE_DIR, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(rel + e.name + '/');
      else if (e.name.endsWith('.ics')) icsFiles.push(rel + e.name);
    }
  })('');
  let eventCount = 0;
  for (const f of icsFiles) {
    const ics = read(f);
    eventCount += events(ics).length;
    const faults = calendarFaults(ics);
    t.check(faults.length === 0, `${f}: events are all-day dates ending the next day`, faults.slice(0, 5));
  }
  t.info(`${icsFiles.length} calendars, ${eventCount} events`);
  for (const u of withCal) {
    const file = path.join(SITE_DIR, new URL(u.link, SITE_URL + u.rel).pathname.slice(new URL(SITE_URL).pathname.length));
    t.check(fs.existsSync(file), `${u.rel}: its calendar link ${u.link} has a file`);
  }
  // Unit pages whose tasks have no date at all (tasks.json: no deadline,
  // start or span in any role) link to no calendar.
  const dated = new Set();
  for (const r of records) {
    if (!(r.deadlines?.length || r.starts?.length || r.spans?.length)) continue;
    for (const n of [...(r.lead_units || []), ...(r.responsible_units || []), ...(r.participating_units || [])]) dated.add(n);
  }
  const undated = unitPages.filter((u) => u.h1 && ![...dated].some((n) => u.h1.includes(n)));
  t.check(undated.length > 0, `some unit pages have no dated task (${undated.length})`);
  const wrong = undated.filter((u) => u.link);
  t.check(wrong.length === 0, 'unit pages without a dated task link to no calendar', wrong.slice(0, 5));

  // As a reader meets it: the link on a unit page downloads the calendar.
  const context = await launch({ acceptDownloads: true });
  const page = await context.newPage();
  const unit = withCal[0];
  await visit(page, SITE_URL + unit.rel);
  const link = page.locator('a[href$=".ics"]').first();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), link.click()]);
  const saved = await download.path();
  const ics = fs.readFileSync(saved, 'utf8');
  t.check(download.suggestedFilename().endsWith('.ics'), `${unit.rel}: the calendar downloads as ${download.suggestedFilename()}`);
  t.check(events(ics).length >= 1 && calendarFaults(ics).length === 0, `${unit.rel}: the downloaded calendar has all-day events`, calendarFaults(ics));
  await context.close();
});

// ---- 8. open data: the CSV's Chinese header row, the JSON's roles apart, absolute URLs

/** RFC 4180 records of a CSV text. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

await t.step('open data', async () => {
  const context = await launch();
  const page = await context.newPage();
  await visit(page, SITE_URL);
  // The home page's 开放数据 links the site's tasks.csv (spreadsheets) and
  // tasks.json (programs).
  const csvHref = await page.locator('.opendata a[href$="/tasks.csv"]').first().getAttribute('href');
  t.check(csvHref, "the home page's open data links tasks.csv");
  const jsonHref = await page.locator('.opendata a[href$="/tasks.json"]').first().getAttribute('href');
  t.check(jsonHref, "the home page's open data links tasks.json");
  const csvUrl = new URL(csvHref, page.url()).href;
  const get = async (u) => {
    const res = await page.request.get(u);
    t.check(res.ok(), `${u}: HTTP ${res.status()}`);
    return res.text();
  };
  const csv = parseCsv((await get(csvUrl)).replace(/^\uFEFF/, ''));
  const json = JSON.parse(await get(new URL(jsonHref, page.url()).href));
  const header = csv[0];
  const want = ['序号', '任务', '牵头单位', '责任单位', '参与单位', '完成时限', '规划', '行政区划', '网址'];
  const at = want.map((h) => header.indexOf(h));
  t.check(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1])), `tasks.csv's header row has ${want.join(', ')} in this order`, header);
  const rows = csv.slice(1).filter((r) => r.length > 1);
  const list = Array.isArray(json) ? json : json.tasks || [];
  t.check(rows.length > 100 && rows.length === list.length, `tasks.csv and tasks.json list the same tasks (${rows.length}, ${list.length})`);
  const col = (name) => header.indexOf(name);
  const badCsv = rows.filter((r) => !absolute(r[col('网址')]));
  t.check(badCsv.length === 0, 'every tasks.csv 网址 is absolute', badCsv.slice(0, 3).map((r) => r[col('网址')]));
  const badJson = list.filter((r) => !absolute(r.url));
  t.check(badJson.length === 0, 'every tasks.json url is absolute', badJson.slice(0, 3).map((r) => r.url));
  // Each role its own list, as the plan pages show them (a document may name
  // one unit in two roles: that stays so).
  const roles = ['lead_units', 'responsible_units', 'participating_units'];
  t.check(list.every((r) => roles.every((k) => Array.isArray(r[k]))), `tasks.json: ${roles.join(', ')} are lists`);
  const counts = roles.map((k) => list.filter((r) => r[k].length).length);
  t.info(`tasks with ${roles.map((k, i) => `${k} ${counts[i]}`).join(', ')} (of ${list.length})`);
  t.check(list.some((r) => r.lead_units.length && r.responsible_units.length && r.lead_units.join() !== r.responsible_units.join()), 'tasks.json: some task has lead and different responsible units');
  const shown = new Map();
  for (const url of new Set(list.map((r) => r.url.split('#')[0]))) {
    await visit(page, SITE_URL + url.slice(BASE.length));
    const tasks = await page.$$eval('article.task', (as) =>
      as.map((a) => {
        // A unit's name without its tag (群体).
        const name = (li) => {
          const c = li.cloneNode(true);
          c.querySelectorAll('.tag').forEach((x) => x.remove());
          return c.textContent.trim();
        };
        const names = (cls) => [...a.querySelectorAll(`.${cls} li`)].map(name);
        return [a.id, [names('tm-lead'), names('tm-resp'), names('tm-part')]];
      }),
    );
    for (const [id, lists] of tasks) shown.set(`${url}#${id}`, lists);
  }
  const unlike = list.filter((r) => JSON.stringify(roles.map((k) => r[k])) !== JSON.stringify(shown.get(r.url)));
  t.check(unlike.length === 0, "tasks.json: each task's units in each role are those its plan page shows", unlike.slice(0, 2).map((r) => ({ url: r.url, json: roles.map((k) => r[k]), page: shown.get(r.url) })));
  // The same task in both files, in the same order: the roles and the plan agree.
  const differ = [];
  list.forEach((r, i) => {
    const c = rows[i] || [];
    const same =
      c[col('网址')] === r.url &&
      c[col('牵头单位')] === r.lead_units.join('、') &&
      c[col('责任单位')] === r.responsible_units.join('、') &&
      c[col('参与单位')] === r.participating_units.join('、') &&
      c[col('规划')] === r.plan;
    if (!same) differ.push({ json: r.url, csv: c[col('网址')] });
  });
  t.check(differ.length === 0, 'each tasks.csv row has the units and plan of its tasks.json record', differ.slice(0, 3));
  await context.close();
});

await t.done(`feed, sitemap, robots.txt, QR code, ${unitPages.length} unit pages' calendars, tasks.csv and tasks.json`);
