// The site under deploy/'s Content-Security-Policy (nginx.sh runs it, with
// SITE_URL on nginx): every page type, standard and 长者版, the sub-path's
// home and plan page, a search with results and the 无障碍 toolbar's modes
// (纯文本 links a style sheet of its own) raise no `securitypolicyviolation`
// event and no console message about the policy. A control page proves the
// policy is enforced and a violation would be seen.
import { chromium } from 'playwright-core';
import { launch, pageTypes, planPath, report, CHROMIUM, CHROMIUM_ARGS, SITE_URL, SUB_SITE_URL, SUB_SITE_DIR } from './lib.mjs';

const t = report('nginx-csp');

// Registered before any script of the page runs.
function listen() {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''})`);
  });
}

const context = await launch();
await context.addInitScript(listen);
const page = await context.newPage();
const console_ = [];
page.on('console', (m) => {
  if (/Content.Security.Policy/i.test(m.text())) console_.push(`${page.url()}: ${m.text()}`);
});

let visited = 0;
async function clean(url, what, { status = 200, act } = {}) {
  const res = await page.goto(url, { waitUntil: 'load' });
  t.check(res && res.status() === status, `${what}: HTTP ${status}`, res && res.status());
  const csp = res ? (await res.allHeaders())['content-security-policy'] || '' : '';
  t.check(/script-src 'self'/.test(csp) && /style-src 'self'/.test(csp), `${what}: sent with the policy`, csp);
  if (act) await act();
  const seen = await page.evaluate(() => window.__csp || ['the listener did not run']);
  t.check(seen.length === 0, `${what}: no Content Security Policy violation`, seen.join('\n'));
  visited++;
}

await t.step('every page type, standard and 长者版', async () => {
  for (const p of pageTypes()) await clean(p.url, `${p.type} (${p.path})`, { status: p.status });
});

if (SUB_SITE_URL && SUB_SITE_DIR) {
  await t.step('the sub-path build', async () => {
    await clean(SUB_SITE_URL, `${SUB_SITE_URL}`);
    await clean(SUB_SITE_URL + planPath(SUB_SITE_DIR), `${SUB_SITE_URL} plan page`);
  });
}

await t.step('a search with results', async () => {
  await clean(SITE_URL + 'search/?q=' + encodeURIComponent('法治'), 'search for 法治', {
    act: async () => {
      await page.waitForFunction(() => document.querySelectorAll('[data-search-results] > .search-result').length > 0, null, { timeout: 15_000 });
    },
  });
});

await t.step('the 无障碍 toolbar, every mode on', async () => {
  await clean(SITE_URL + planPath(), 'toolbar on a plan page', {
    act: async () => {
      await page.click('button.a11y-entry:visible');
      await page.click('#a11y-toolbar [data-a11y="bigger"]');
      for (const mode of await page.$$eval('#a11y-toolbar [data-a11y][aria-pressed]:not([disabled])', (bs) => bs.map((b) => b.getAttribute('data-a11y')))) {
        await page.click(`#a11y-toolbar [data-a11y="${mode}"]`);
      }
      const plain = await page
        .waitForFunction(() => {
          const l = document.getElementById('a11y-plain-style');
          return !!(l && l.sheet && l.sheet.cssRules.length > 0);
        }, null, { timeout: 10_000 })
        .then(() => true, () => false);
      t.check(plain, '纯文本: its style sheet (plain.css) is applied under the policy');
    },
  });
  await clean(SITE_URL + 'elder/', 'the 长者版 home with those modes still on');
});

t.check(console_.length === 0, 'no console message about the policy on any page', console_.slice(0, 10).join('\n'));

// The control: an inline style is refused and seen, so a clean page above is
// clean, not unobserved (its own browser: its refusal is meant to happen).
await t.step('control: the policy refuses an inline style', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const c = await browser.newContext();
  await c.addInitScript(listen);
  const p = await c.newPage();
  await p.goto(SITE_URL, { waitUntil: 'load' });
  const applied = await p.evaluate(async () => {
    const s = document.createElement('style');
    s.textContent = 'body { outline: 7px solid red; }';
    document.head.appendChild(s);
    await new Promise((r) => setTimeout(r, 200));
    return getComputedStyle(document.body).outlineWidth === '7px';
  });
  const seen = await p.evaluate(() => window.__csp);
  t.check(!applied && seen.length > 0 && /style-src/.test(seen[0]), 'an inline <style> is refused and reported as a violation', { applied, seen });
  await browser.close();
});

await context.close();
await t.done(`${visited} pages under the Content-Security-Policy, no violation`);
