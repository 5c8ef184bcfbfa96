// The 长者版 as the browser draws it (适老化 rules, read in CSS pixels), on every
// page type, at 1280 px and 375 px, JavaScript on and the 无障碍 toolbar open:
//   body text at least 20 px, headings at least 28 px, line height at least 1.5;
//   every link, button and field at least 60x60 px (the skip link too, when focused);
//   nothing fixed or sticky (no floating elements), no sideways scrolling;
//   the way in and out: each standard page's header links to its 长者版 twin,
//   and each elder page's header links back to the standard page;
//   JavaScript off, an elder page (the standard page's file) still looks elder (its
//   stylesheet is elder/static/portal.css) and its links stay under /elder/.
import { launch, pageTypes, report, visit, horizontalOverflow, SUB_SITE_DIR, SUB_SITE_URL } from './lib.mjs';

const t = report('elder');
const MIN_TEXT = 20;
const MIN_HEADING = 28;
const MIN_LINE_HEIGHT = 1.5;
const MIN_TARGET = 60;

const types = pageTypes().filter((p) => p.elder);
if (SUB_SITE_DIR && SUB_SITE_URL) {
  types.push(...pageTypes({ dir: SUB_SITE_DIR, base: SUB_SITE_URL }).filter((p) => p.elder && p.type.includes('page 2+')));
}

// Runs in the page: every measured problem, grouped by rule.
function measure({ MIN_TEXT, MIN_HEADING, MIN_LINE_HEIGHT, MIN_TARGET }) {
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + [...el.classList].join('.');
    const txt = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 24);
    return txt ? `${s} "${txt}"` : s;
  };
  const hidden = (el) => {
    if (el.closest('.vh, [hidden], svg, noscript, script, style, template')) return true;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return true;
    const r = el.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1 || r.bottom < 0;
  };
  const out = { text: [], heading: [], lineHeight: [], target: [], floating: [], counts: { text: 0, heading: 0, target: 0 } };
  // Elements that hold text of their own.
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.nodeValue.trim()) continue;
    const el = n.parentElement;
    if (!el || seen.has(el) || hidden(el)) continue;
    seen.add(el);
    const cs = getComputedStyle(el);
    const fs = parseFloat(cs.fontSize);
    const heading = el.closest('h1, h2, h3, h4, h5, h6');
    out.counts.text++;
    if (fs < MIN_TEXT - 0.01) out.text.push(`${name(el)}: ${fs}px`);
    const lh = cs.lineHeight === 'normal' ? NaN : parseFloat(cs.lineHeight);
    if (!(lh / fs >= MIN_LINE_HEIGHT - 0.01)) out.lineHeight.push(`${name(el)}: line-height ${cs.lineHeight} at ${fs}px`);
    if (heading && !seen.has(heading)) {
      seen.add(heading);
      out.counts.heading++;
      const hs = parseFloat(getComputedStyle(heading).fontSize);
      if (hs < MIN_HEADING - 0.01) out.heading.push(`${name(heading)}: ${hs}px`);
    }
  }
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    if (seen.has(h) || hidden(h)) continue;
    out.counts.heading++;
    const hs = parseFloat(getComputedStyle(h).fontSize);
    if (hs < MIN_HEADING - 0.01) out.heading.push(`${name(h)}: ${hs}px`);
  }
  // Targets.
  for (const el of document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [tabindex]:not([tabindex="-1"])')) {
    if (hidden(el)) continue;
    out.counts.target++;
    const r = el.getBoundingClientRect();
    if (r.width < MIN_TARGET - 0.5 || r.height < MIN_TARGET - 0.5) out.target.push(`${name(el)}: ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  // Nothing floats over the page.
  for (const el of document.body.querySelectorAll('*')) {
    const p = getComputedStyle(el).position;
    if ((p === 'fixed' || p === 'sticky') && !hidden(el)) out.floating.push(`${name(el)}: position ${p}`);
  }
  return out;
}

const show = (list) => list.slice(0, 12).join('\n') + (list.length > 12 ? `\n… and ${list.length - 12} more` : '');
const totals = { text: 0, heading: 0, target: 0 };
let pagesChecked = 0;

for (const width of [1280, 375]) {
  const context = await launch({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  for (const p of types) {
    await t.step(`${p.type} at ${width}px`, async () => {
      await visit(page, p.url, { status: p.status });
      const where = `${p.type} at ${width}px (${p.url})`;
      // The skip link, once focused, is a large target on screen.
      await page.keyboard.press('Tab').catch(() => {});
      const skip = await page.evaluate(() => {
        const a = document.activeElement;
        const r = a.getBoundingClientRect();
        return { cls: a.className, w: r.width, h: r.height, top: r.top };
      });
      t.check(skip.cls.includes('skip-link') && skip.w >= MIN_TARGET - 0.5 && skip.h >= MIN_TARGET - 0.5 && skip.top >= 0, `${where}: the skip link is the first stop and a large target`, skip);
      // Open the 无障碍 toolbar so its buttons are measured too (then close it again
      // so that the next page starts like a first visit).
      const entry = page.locator('button.a11y-entry:visible').first();
      t.check((await entry.count()) === 1, `${where}: the 无障碍 button is there`);
      if (await entry.count()) {
        await entry.click();
        t.check(await page.locator('#a11y-toolbar').isVisible(), `${where}: the toolbar opens`);
      }
      const m = await page.evaluate(measure, { MIN_TEXT, MIN_HEADING, MIN_LINE_HEIGHT, MIN_TARGET });
      pagesChecked++;
      for (const k of Object.keys(totals)) totals[k] += m.counts[k];
      t.check(m.counts.text > 0 && m.counts.target > 0, `${where}: text and links found`);
      t.check(m.text.length === 0, `${where}: text at least ${MIN_TEXT}px`, show(m.text));
      t.check(m.heading.length === 0, `${where}: headings at least ${MIN_HEADING}px`, show(m.heading));
      t.check(m.lineHeight.length === 0, `${where}: line height at least ${MIN_LINE_HEIGHT}`, show(m.lineHeight));
      t.check(m.target.length === 0, `${where}: links and buttons at least ${MIN_TARGET}x${MIN_TARGET}px`, show(m.target));
      t.check(m.floating.length === 0, `${where}: nothing fixed or sticky`, show(m.floating));
      const over = await horizontalOverflow(page);
      t.check(!over, `${where}: no sideways scrolling`, over && JSON.stringify(over));
      if (await entry.count()) await page.evaluate(() => localStorage.clear());
    });
  }
  await context.close();
}

// The way in and out (static HTML, so JavaScript off is enough).
{
  const context = await launch({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const p of pageTypes().filter((x) => !x.elder && x.status === 200)) {
    await t.step(`the 长者版 links of ${p.type}`, async () => {
      await visit(page, p.url);
      const twin = '/elder/' + p.path;
      const hrefs = await page.$$eval('header a[href]', (as) => as.map((a) => new URL(a.href).pathname));
      t.check(hrefs.includes(twin), `${p.type}: the header links to the 长者版 (${twin})`, hrefs);
      await visit(page, new URL(twin, p.url).href);
      const back = await page.$$eval('header a[href]', (as) => as.map((a) => [new URL(a.href).pathname, a.textContent.trim()]));
      t.check(back.some(([h, text]) => h === '/' + p.path && text.includes('标准版')), `${p.type} 长者版: the header links back to the standard page`, back);
      // The same file as the standard page: elder without JavaScript by its stylesheet
      // (found relative to /elder/), and its page links stay under /elder/.
      const look = await page.evaluate(() => ({
        sheet: [...document.querySelectorAll('link[rel="stylesheet"]')].map((l) => new URL(l.href).pathname),
        elder: !!document.querySelector('.masthead--elder')?.checkVisibility(),
        standard: !!document.querySelector('.topbar')?.checkVisibility(),
        font: parseFloat(getComputedStyle(document.documentElement).fontSize),
        links: [...document.querySelectorAll('.mainnav--elder a[href], main a[href]:not(.data-link)')]
          .filter((a) => a.checkVisibility() && !a.getAttribute('href').startsWith('/') && !a.getAttribute('href').includes(':'))
          .map((a) => new URL(a.href).pathname),
      }));
      t.check(look.sheet.includes('/elder/static/portal.css'), `${p.type} 长者版: its stylesheet is the 长者版's`, look.sheet);
      t.check(look.elder && !look.standard, `${p.type} 长者版: the elder masthead shows without JavaScript, the standard top bar does not`, look);
      t.check(look.font >= MIN_TEXT, `${p.type} 长者版: large type without JavaScript`, look.font);
      const out = look.links.filter((h) => !h.startsWith('/elder/'));
      t.check(look.links.length > 0 && out.length === 0, `${p.type} 长者版: its links stay under /elder/`, out.slice(0, 5));
    });
  }
  await context.close();
}

await t.done(`${pagesChecked} elder page views measured (${types.length} page types × 2 widths): ${totals.text} text elements, ${totals.heading} headings, ${totals.target} targets`);
