// Every page type, standard and 长者版 (and the sub-path build's paginated pages),
// with JavaScript off, at 1280 px and 320 px:
//   - the page comes with its styles and its content: a visible h1, the main text,
//     on a plan page its tasks, on a listing its links;
//   - nothing that needs JavaScript shows (the toolbar, 字体 大/中/小 and 打印本页),
//     and the 无障碍 link leads to the accessibility notes, which are there;
//   - no sideways scrolling and no text cut off (WCAG 1.4.10 reflow: 320 px is
//     1280 px at 400% zoom).
import { launch, pageTypes, report, visit, horizontalOverflow, SUB_SITE_DIR, SUB_SITE_URL } from './lib.mjs';

const t = report('nojs');
const types = pageTypes();
if (SUB_SITE_DIR && SUB_SITE_URL) types.push(...pageTypes({ dir: SUB_SITE_DIR, base: SUB_SITE_URL }).filter((p) => p.type.includes('page 2+')));

// Runs in the page.
function inspect() {
  const visible = (el) => !!el && el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && el.getBoundingClientRect().height > 0;
  const main = document.querySelector('main');
  // The page's heading: the version's stylesheet hides the other version's.
  const h1 = [...document.querySelectorAll('h1')].find((el) => visible(el)) || null;
  const clipped = [];
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.overflowX !== 'hidden' && cs.overflowX !== 'clip') continue;
    if (el.closest('.vh') || !visible(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1 && (el.textContent || '').trim()) clipped.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.scrollWidth} > ${el.clientWidth}`);
  }
  const entry = [...document.querySelectorAll('a.a11y-entry')].find(visible);
  const help = entry && document.querySelector(entry.getAttribute('href'));
  return {
    cls: document.documentElement.className,
    styled: getComputedStyle(document.body).display === 'flex',
    h1: visible(h1) ? h1.textContent.trim() : null,
    mainText: main ? main.innerText.trim().length : 0,
    links: main ? main.querySelectorAll('a[href]').length : 0,
    tasks: document.querySelectorAll('main .task').length,
    toolbarShown: visible(document.getElementById('a11y-toolbar')),
    docToolsShown: [...document.querySelectorAll('[data-doc-tools]')].some(visible),
    helpOk: !!(entry && visible(entry) && help && visible(help)),
    clipped,
  };
}

let views = 0;
for (const width of [1280, 320]) {
  const context = await launch({ javaScriptEnabled: false, viewport: { width, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.request().isNavigationRequest()) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  for (const p of types) {
    const where = `${p.type} at ${width}px, no JavaScript (${p.url})`;
    await t.step(where, async () => {
      errors.length = 0;
      await visit(page, p.url, { status: p.status });
      const s = await page.evaluate(inspect);
      views++;
      t.check(/\bno-js\b/.test(s.cls), `${where}: no script ran`, s.cls);
      t.check(s.styled && errors.length === 0, `${where}: styles loaded, no missing files`, errors.join('\n'));
      t.check(!!s.h1 && s.mainText > 40, `${where}: a heading and the content are there`, { h1: s.h1, mainText: s.mainText });
      if (p.kind === 'plan') t.check(s.tasks > 0, `${where}: the plan's tasks are there (${s.tasks})`);
      if (['plans', 'units', 'topics', 'jurisdictions', 'unit', 'topic', 'jurisdiction', 'home', '404'].includes(p.kind)) t.check(s.links > 3, `${where}: the page's links are there (${s.links})`);
      t.check(!s.toolbarShown && !s.docToolsShown, `${where}: no buttons that need JavaScript are shown`);
      t.check(s.helpOk, `${where}: the 无障碍 link leads to the accessibility notes`);
      const over = await horizontalOverflow(page);
      t.check(!over, `${where}: no sideways scrolling`, over && JSON.stringify(over));
      t.check(s.clipped.length === 0, `${where}: no text cut off`, s.clipped.slice(0, 10).join('\n'));
    });
  }
  await context.close();
}

await t.done(`${views} page views without JavaScript (${types.length} pages × 2 widths)`);
