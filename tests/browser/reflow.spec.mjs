// Readable at 320 px (WCAG 1.4.10 reflow) with JavaScript on: every page type,
// standard and 长者版 (and the sub-path build's paginated pages), with the 无障碍
// toolbar open and the page tools shown: no sideways scrolling, no text cut off,
// and the main heading fits the screen. Then the largest plan page at 200% text
// (the toolbar's largest size) at 640 px, i.e. 1280 px zoomed to 200%. The
// fixture's right-to-left Uyghur page of each type at 320 px too (no 长者版:
// the fixture's edition has none), read right to left.
import { launch, pageTypes, report, visit, horizontalOverflow, rtlPages, SUB_SITE_DIR, SUB_SITE_URL } from './lib.mjs';

const t = report('reflow');
const types = pageTypes();
if (SUB_SITE_DIR && SUB_SITE_URL) types.push(...pageTypes({ dir: SUB_SITE_DIR, base: SUB_SITE_URL }).filter((p) => p.type.includes('page 2+')));
const rtl = rtlPages();
types.push(...rtl);

function clippedText() {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.overflowX !== 'hidden' && cs.overflowX !== 'clip') continue;
    if (el.closest('.vh, [hidden]') || !el.checkVisibility()) continue;
    if (el.scrollWidth > el.clientWidth + 1 && (el.textContent || '').trim()) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  const h1 = document.querySelector('h1');
  if (h1) {
    const r = h1.getBoundingClientRect();
    if (r.left < 0 || r.right > document.documentElement.clientWidth + 1) out.push(`h1 from ${r.left} to ${r.right}`);
  }
  return out;
}

let views = 0;
{
  const context = await launch({ viewport: { width: 320, height: 720 } });
  const page = await context.newPage();
  for (const p of types) {
    const where = `${p.type} at 320px (${p.url})`;
    await t.step(where, async () => {
      await visit(page, p.url, { status: p.status });
      const entry = page.locator('button.a11y-entry:visible').first();
      if (await entry.count()) {
        if ((await entry.getAttribute('aria-expanded')) !== 'true') await entry.click();
      } else {
        t.fail(`${where}: the 无障碍 button is there`);
      }
      views++;
      const over = await horizontalOverflow(page);
      t.check(!over, `${where}: no sideways scrolling, toolbar open`, over && JSON.stringify(over));
      const clipped = await page.evaluate(clippedText);
      t.check(clipped.length === 0, `${where}: no text cut off`, clipped.slice(0, 10).join('\n'));
      if (p.dir === 'rtl') {
        const dir = await page.evaluate(() => getComputedStyle(document.body).direction);
        t.check(dir === 'rtl', `${where}: the page reads right to left`, dir);
      }
    });
  }
  await context.close();
}

{
  const context = await launch({ viewport: { width: 640, height: 800 } });
  const page = await context.newPage();
  for (const p of types.filter((x) => x.kind === 'plan' || x.kind === 'unit' || x.kind === 'home')) {
    const where = `${p.type} at 640px with 200% text (${p.url})`;
    await t.step(where, async () => {
      await visit(page, p.url);
      await page.evaluate(() => localStorage.setItem('planpress.a11y', JSON.stringify({ scale: 6, open: true })));
      await page.reload();
      const px = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      views++;
      t.check(px >= 32, `${where}: text at 200% (${px}px root)`);
      const over = await horizontalOverflow(page);
      t.check(!over, `${where}: no sideways scrolling`, over && JSON.stringify(over));
      const clipped = await page.evaluate(clippedText);
      t.check(clipped.length === 0, `${where}: no text cut off`, clipped.slice(0, 10).join('\n'));
      await page.evaluate(() => localStorage.clear());
    });
  }
  await context.close();
}

await t.done(`${views} page views checked for reflow`);
