// Keyboard alone, on a plan page (the largest), standard at 1280 px and 长者版 at
// 375 px, JavaScript on:
//   - the first Tab shows the skip link; Enter moves focus to the main content;
//   - Tab goes through every tab stop of the page and out of it (no trap), and at
//     each stop the focus is visible: :focus-visible matches, an outline of 2 px or
//     more or a ring (box-shadow) is drawn, the element is on screen and not covered
//     by anything; every few stops the pixels are compared with and without focus;
//   - every visible link, button and field is reached;
//   - the 无障碍 button opens the toolbar with Enter, Tab reaches its buttons, and
//     Escape closes it and puts focus back on the button.
import { launch, pageTypes, report, visit } from './lib.mjs';

const t = report('keyboard');
const plans = pageTypes().filter((p) => p.kind === 'plan');
const runs = [
  { p: plans.find((p) => !p.elder), width: 1280 },
  { p: plans.find((p) => p.elder), width: 375 },
];
const MAX_STOPS = 3000;
const PIXEL_EVERY = 40;

function focusInfo() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const keys = (window.__kbKeys ||= new WeakMap());
  if (!keys.has(el)) keys.set(el, (window.__kbNext = (window.__kbNext || 0) + 1));
  const key = keys.get(el);
  let name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const text = (el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 20);
  if (text) name += ` "${text}"`;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const ring = !!cs.boxShadow && cs.boxShadow !== 'none';
  const rects = el.getClientRects();
  const r = rects.length ? rects[0] : el.getBoundingClientRect();
  const box = el.getBoundingClientRect();
  const vw = document.documentElement.clientWidth;
  const vh = window.innerHeight;
  const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < vh && r.left < vw;
  let covered = null;
  if (onScreen) {
    const x = Math.min(Math.max(r.left + r.width / 2, 0), vw - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), vh - 1);
    const hit = document.elementFromPoint(x, y);
    if (!(hit && (hit === el || el.contains(hit)))) covered = hit ? hit.tagName.toLowerCase() + (hit.className ? '.' + hit.className : '') : 'nothing';
  }
  return {
    key,
    name,
    focusVisible: el.matches(':focus-visible'),
    outline,
    ring,
    onScreen,
    covered,
    box: { x: box.left, y: box.top, width: box.width, height: box.height },
  };
}

// Visible elements a keyboard user must be able to reach.
function reachable() {
  const out = [];
  const keys = (window.__kbKeys ||= new WeakMap());
  for (const el of document.querySelectorAll('a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
    if (el.closest('[hidden], .vh') || !el.checkVisibility({ visibilityProperty: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    if (!keys.has(el)) keys.set(el, (window.__kbNext = (window.__kbNext || 0) + 1));
    out.push([keys.get(el), el.tagName.toLowerCase() + ' "' + (el.textContent || '').trim().slice(0, 20) + '"']);
  }
  return out;
}

async function pixelsChange(page, info) {
  const vp = page.viewportSize();
  const pad = 8;
  const x = Math.max(0, Math.floor(info.box.x - pad));
  const y = Math.max(0, Math.floor(info.box.y - pad));
  const clip = {
    x,
    y,
    width: Math.max(1, Math.min(vp.width - x, Math.ceil(info.box.width + 2 * pad))),
    height: Math.max(1, Math.min(vp.height - y, Math.ceil(info.box.height + 2 * pad))),
  };
  const focused = await page.screenshot({ clip, animations: 'disabled', caret: 'hide' });
  const handle = await page.evaluateHandle(() => document.activeElement);
  await page.evaluate((el) => el.blur(), handle);
  const blurred = await page.screenshot({ clip, animations: 'disabled', caret: 'hide' });
  await page.evaluate((el) => el.focus(), handle);
  await handle.dispose();
  return !focused.equals(blurred);
}

let stopsTotal = 0;
for (const { p, width } of runs) {
  const context = await launch({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  const where = `${p.type} at ${width}px`;

  await t.step(`${where}: skip link`, async () => {
    await visit(page, p.url);
    await page.keyboard.press('Tab');
    const first = await page.evaluate(focusInfo);
    t.check(first && first.name.includes('skip-link') && first.onScreen && first.focusVisible, `${where}: the first Tab shows the skip link`, first);
    await page.keyboard.press('Enter');
    const target = await page.evaluate(() => [document.activeElement.id, location.hash]);
    t.check(target[0] === 'main-content' && target[1] === '#main-content', `${where}: Enter on the skip link moves focus to the main content`, target);
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => !!document.activeElement.closest('main'));
    t.check(next, `${where}: the next Tab is inside the main content`);
  });

  await t.step(`${where}: tab through the page`, async () => {
    await visit(page, p.url);
    const mustReach = await page.evaluate(reachable);
    const seen = new Map();
    const problems = [];
    let firstKey = null;
    let stops = 0;
    let leftPage = false;
    for (let i = 0; i < MAX_STOPS; i++) {
      await page.keyboard.press('Tab');
      const info = await page.evaluate(focusInfo);
      if (!info) {
        leftPage = true;
        break;
      }
      if (info.key === firstKey) {
        leftPage = true;
        break;
      }
      if (firstKey === null) firstKey = info.key;
      stops++;
      seen.set(info.key, info.name);
      const bad = [];
      if (!info.focusVisible) bad.push(':focus-visible does not match');
      if (!info.outline && !info.ring) bad.push('no outline or ring');
      if (!info.onScreen) bad.push('off screen');
      if (info.covered) bad.push(`covered by ${info.covered}`);
      if (!bad.length && (stops <= 3 || stops % PIXEL_EVERY === 0)) {
        if (!(await pixelsChange(page, info))) bad.push('no visible change between focused and not focused');
      }
      if (bad.length) problems.push(`stop ${stops}: ${info.name}: ${bad.join(', ')}`);
    }
    stopsTotal += stops;
    t.check(leftPage, `${where}: Tab goes through the page and out of it (${stops} stops)`);
    t.check(problems.length === 0, `${where}: focus visible at every one of ${stops} stops`, problems.slice(0, 20).join('\n'));
    const missed = mustReach.filter(([k]) => !seen.has(k));
    t.check(missed.length === 0, `${where}: all ${mustReach.length} visible links, buttons and fields reached by Tab`, missed.slice(0, 20).map((m) => m[1]).join('\n'));
  });

  await t.step(`${where}: the 无障碍 toolbar by keyboard`, async () => {
    await visit(page, p.url);
    let found = false;
    for (let i = 0; i < 20 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement.matches('button.a11y-entry'));
    }
    t.check(found, `${where}: the 无障碍 button is among the first 20 tab stops`);
    if (!found) return;
    await page.keyboard.press('Enter');
    const open = await page.evaluate(() => [document.activeElement.getAttribute('aria-expanded'), document.getElementById('a11y-toolbar').hidden]);
    t.check(open[0] === 'true' && open[1] === false, `${where}: Enter opens the toolbar`, open);
    let inToolbar = false;
    for (let i = 0; i < 10 && !inToolbar; i++) {
      await page.keyboard.press('Tab');
      inToolbar = await page.evaluate(() => !!document.activeElement.closest('#a11y-toolbar'));
    }
    t.check(inToolbar, `${where}: Tab reaches the toolbar's buttons`);
    const visible = await page.evaluate(focusInfo);
    t.check(visible && visible.focusVisible && (visible.outline || visible.ring) && visible.onScreen, `${where}: focus visible in the toolbar`, visible);
    await page.keyboard.press('Escape');
    const closed = await page.evaluate(() => [document.getElementById('a11y-toolbar').hidden, document.activeElement.matches('button.a11y-entry')]);
    t.check(closed[0] === true && closed[1] === true, `${where}: Escape closes the toolbar and focus returns to the 无障碍 button`, closed);
    await page.evaluate(() => localStorage.clear());
  });
  await context.close();
}

await t.done(`${runs.length} plan pages tabbed through, ${stopsTotal} tab stops checked`);
