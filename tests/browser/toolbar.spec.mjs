// The 无障碍 toolbar and the page tools with JavaScript on:
//   - every page type, standard and 长者版, runs a11y.js without a script error
//     and without a failed request;
//   - on a plan page: the 无障碍 button opens the toolbar; 放大文字/缩小文字/默认大小
//     scale the page (and the buttons are disabled at the ends); the page does not
//     scroll sideways at the largest size; 高对比度 turns the page white on black
//     (and axe still finds nothing); 大鼠标 sets the SVG cursors (which load);
//     纯文本 drops the site's styles for a plain one (axe finds nothing there too,
//     nor with the toolbar open, standard and 长者版);
//     read-aloud (朗读正文, 暂停朗读, 停止朗读) drives speechSynthesis where the
//     browser has it (calls recorded, no sound); 字体 大/中/小 resizes the document;
//     关闭工具条 closes it;
//   - settings persist across pages and into the 长者版 through localStorage, and
//     全部恢复 puts everything back;
//   - at 375 px, the open toolbar does not make the page scroll sideways.
import { launch, pageTypes, runAxe, formatViolations, report, visit, horizontalOverflow, SITE_URL } from './lib.mjs';

const t = report('toolbar');
const types = pageTypes();
const plan = types.find((p) => p.kind === 'plan' && !p.elder);
const elderPlan = types.find((p) => p.kind === 'plan' && p.elder);
const units = types.find((p) => p.kind === 'units' && !p.elder);
const KEY = 'planpress.a11y';

const rootPx = (page) => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
const state = (page) => page.evaluate((k) => JSON.parse(localStorage.getItem(k) || '{}'), KEY);
const pressed = (page, what) => page.getAttribute(`#a11y-toolbar [data-a11y="${what}"]`, 'aria-pressed');
const disabled = (page, what) => page.isDisabled(`#a11y-toolbar [data-a11y="${what}"]`);
const click = (page, what) => page.click(`#a11y-toolbar [data-a11y="${what}"]`);
// axe on the page as it is.
async function noAxeViolations(page, what) {
  const v = await runAxe(page);
  t.check(v.length === 0, what, formatViolations(v));
}

// ---- every page type loads its script cleanly
{
  const context = await launch();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/404 \(Not Found\)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  // A request cut short by the next navigation (the favicon, often) is not an error;
  // a missing file shows as an HTTP error below.
  page.on('requestfailed', (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.request().isNavigationRequest()) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  for (const p of types) {
    await t.step(`${p.type}: loads with JavaScript`, async () => {
      errors.length = 0;
      await visit(page, p.url, { status: p.status });
      const cls = await page.evaluate(() => document.documentElement.className);
      t.check(/\bjs\b/.test(cls) && !/\bno-js\b/.test(cls), `${p.type}: a11y.js ran (html class "${cls}")`);
      t.check(errors.length === 0, `${p.type}: no script errors or failed requests`, errors.join('\n'));
      t.check(await page.locator('button.a11y-entry:visible').first().isVisible(), `${p.type}: the 无障碍 button is shown`);
    });
  }
  await context.close();
}

// ---- the toolbar on a plan page
{
  const context = await launch();
  const page = await context.newPage();
  await visit(page, plan.url);
  const entry = page.locator('button.a11y-entry:visible').first();

  await t.step('open the toolbar', async () => {
    // isHidden() holds for an element that is not there: count it first.
    const bars = await page.locator('#a11y-toolbar').count();
    t.check(bars === 1 && (await page.locator('#a11y-toolbar').isHidden()), `the toolbar is on the page (${bars}) and starts closed`);
    await entry.click();
    t.check(await page.locator('#a11y-toolbar').isVisible(), '无障碍 opens the toolbar');
    t.check((await entry.getAttribute('aria-expanded')) === 'true', 'the 无障碍 button says aria-expanded="true"');
    await noAxeViolations(page, 'no axe violations with the toolbar open');
  });

  await t.step('text size', async () => {
    const base = await rootPx(page);
    const doc0 = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('doc-content')).fontSize));
    t.check(base === 16, `standard root font size 16px (${base})`);
    t.check((await disabled(page, 'smaller')) && (await disabled(page, 'reset-size')), '缩小文字 and 默认大小 disabled at the default size');
    await click(page, 'bigger');
    t.check((await rootPx(page)) === 18, `放大文字 once: 18px (${await rootPx(page)})`);
    const doc1 = await page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('doc-content')).fontSize));
    t.check(doc1 > doc0, `the document text grows too (${doc0}px → ${doc1}px)`);
    await click(page, 'bigger');
    t.check((await rootPx(page)) === 20, '放大文字 twice: 20px');
    await click(page, 'smaller');
    t.check((await rootPx(page)) === 18, '缩小文字: back to 18px');
    t.check((await state(page)).scale === 1, 'the size is saved in localStorage');
    for (let i = 0; i < 10 && !(await disabled(page, 'bigger')); i++) await click(page, 'bigger');
    t.check((await rootPx(page)) === 32 && (await disabled(page, 'bigger')), `largest size 200% (32px), 放大文字 then disabled (${await rootPx(page)}px)`);
    const over = await horizontalOverflow(page);
    t.check(!over, 'no sideways scrolling at 200% text', over && JSON.stringify(over));
    await click(page, 'reset-size');
    t.check((await rootPx(page)) === 16, '默认大小: back to 16px');
    const status = await page.locator('#a11y-toolbar .tb-status').textContent();
    t.check(status !== null, 'the toolbar has a status line for screen readers');
    // What it says comes from static/a11y.LANG.js (the theme's words), not the page.
    await page.waitForFunction(() => document.querySelector('#a11y-toolbar .tb-status').textContent !== '');
    const said = await page.locator('#a11y-toolbar .tb-status').textContent();
    t.check(said === '文字恢复默认大小', `默认大小 says so in the status line (${said})`);
    await click(page, 'bigger');
    await page.waitForFunction(() => /%/.test(document.querySelector('#a11y-toolbar .tb-status').textContent));
    const size = await page.locator('#a11y-toolbar .tb-status').textContent();
    t.check(size === '文字大小 113%', `放大文字 says the new size (${size})`);
    await click(page, 'reset-size');
  });

  await t.step('high contrast', async () => {
    await click(page, 'contrast');
    const c = await page.evaluate(() => {
      const b = getComputedStyle(document.body);
      const p = getComputedStyle(document.querySelector('#doc-content p, #doc-content'));
      const a = getComputedStyle(document.querySelector('#doc-content a, main a'));
      return { cls: document.documentElement.classList.contains('a11y-contrast'), bg: b.backgroundColor, text: p.color, link: a.color };
    });
    t.check(c.cls && (await pressed(page, 'contrast')) === 'true', '高对比度 is on and pressed');
    t.check(c.bg === 'rgb(0, 0, 0)' && c.text === 'rgb(255, 255, 255)' && c.link === 'rgb(255, 255, 0)', 'white text and yellow links on black', c);
    await noAxeViolations(page, 'no axe violations in high contrast');
    await click(page, 'contrast');
    t.check(!(await page.evaluate(() => document.documentElement.classList.contains('a11y-contrast'))) && (await pressed(page, 'contrast')) === 'false', '高对比度 turns off again');
  });

  await t.step('large cursor', async () => {
    const loaded = [];
    const onResponse = (r) => {
      if (/cursor-[a-z]+\.svg$/.test(r.url())) loaded.push([r.url(), r.status(), r.headers()['content-type']]);
    };
    page.on('response', onResponse);
    await click(page, 'cursor');
    const c = await page.evaluate(() => ({
      cls: document.documentElement.classList.contains('a11y-cursor'),
      body: getComputedStyle(document.body).cursor,
      link: getComputedStyle(document.querySelector('main a')).cursor,
    }));
    t.check(c.cls && (await pressed(page, 'cursor')) === 'true', '大鼠标 is on and pressed');
    t.check(/cursor-arrow\.svg/.test(c.body) && /cursor-hand\.svg/.test(c.link), 'the large arrow and hand cursors are set', c);
    for (const name of ['cursor-arrow.svg', 'cursor-hand.svg', 'cursor-text.svg']) {
      const url = new URL(name, c.body.match(/url\("?([^")]+)"?\)/)[1]).href;
      const r = await page.request.get(url);
      t.check(r.status() === 200 && /image\/svg\+xml/.test(r.headers()['content-type'] || ''), `${name} is served as SVG`, [r.status(), r.headers()['content-type']]);
    }
    await click(page, 'cursor');
    page.off('response', onResponse);
    t.check(!(await page.evaluate(() => document.documentElement.classList.contains('a11y-cursor'))), '大鼠标 turns off again');
  });

  await t.step('plain-text mode (纯文本)', async () => {
    const before = await page.evaluate(() => getComputedStyle(document.querySelector('.masthead')).backgroundColor);
    await click(page, 'plain');
    const c = await page.evaluate(() => ({
      cls: document.documentElement.classList.contains('a11y-plain'),
      sheets: [...document.querySelectorAll('link[rel~="stylesheet"]:not(#a11y-plain-style)')].map((l) => l.disabled),
      plainStyle: !!document.getElementById('a11y-plain-style'),
      masthead: getComputedStyle(document.querySelector('.masthead')).backgroundColor,
      text: (document.querySelector('main').innerText || '').length,
    }));
    t.check(c.cls && (await pressed(page, 'plain')) === 'true', '纯文本 is on and pressed');
    t.check(c.sheets.length > 0 && c.sheets.every(Boolean) && c.plainStyle, "the site's style sheets are off, the plain style on", c);
    t.check(c.masthead !== before && c.text > 1000, 'the page is drawn plainly with all its text', { before, ...c });
    const over = await horizontalOverflow(page);
    t.check(!over, 'no sideways scrolling in 纯文本', over && JSON.stringify(over));
    await noAxeViolations(page, 'no axe violations in 纯文本');
    await visit(page, units.url);
    t.check(await page.evaluate(() => document.documentElement.classList.contains('a11y-plain') && !!document.getElementById('a11y-plain-style')), '纯文本 stays on on the next page');
    await click(page, 'plain');
    const off = await page.evaluate(() => {
      const sheets = [...document.querySelectorAll('link[rel~="stylesheet"]:not(#a11y-plain-style)')];
      return sheets.length > 0 && sheets.every((l) => !l.disabled) && !document.getElementById('a11y-plain-style');
    });
    t.check(off, "纯文本 turns off again and the site's styles are back");
    await visit(page, plan.url);
  });

  await t.step('字体 大/中/小 on the document', async () => {
    const tools = page.locator('[data-doc-tools]');
    t.check(await tools.isVisible(), 'the page tools are shown with JavaScript');
    const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.getElementById('doc-content')).fontSize));
    const m = await size();
    await page.click('[data-doc-tools] button[data-docsize="l"]');
    const l = await size();
    t.check(l > m && (await page.getAttribute('[data-doc-tools] button[data-docsize="l"]', 'aria-pressed')) === 'true', `字体 大 enlarges the document (${m}px → ${l}px)`);
    await page.reload();
    t.check((await size()) === l, '字体 大 is kept after a reload');
    await page.click('[data-doc-tools] button[data-docsize="s"]');
    t.check((await size()) < m, '字体 小 makes it smaller');
    await page.click('[data-doc-tools] button[data-docsize="m"]');
    t.check((await size()) === m, '字体 中 puts it back');
  });

  await t.step('close button', async () => {
    await click(page, 'close');
    t.check((await page.locator('#a11y-toolbar').count()) === 1 && (await page.locator('#a11y-toolbar').isHidden()), '关闭工具条 closes the toolbar');
    t.check(await page.evaluate(() => document.activeElement.matches('button.a11y-entry')), 'focus goes back to the 无障碍 button');
    t.check((await entry.getAttribute('aria-expanded')) === 'false', 'aria-expanded="false"');
  });

  await t.step('settings persist across pages', async () => {
    await entry.click();
    await click(page, 'bigger');
    await click(page, 'contrast');
    await visit(page, units.url);
    const s = await page.evaluate(() => ({
      contrast: document.documentElement.classList.contains('a11y-contrast'),
      px: parseFloat(getComputedStyle(document.documentElement).fontSize),
      open: !document.getElementById('a11y-toolbar').hidden,
    }));
    t.check(s.contrast && s.px === 18 && s.open, 'on the next page: still high contrast, 112.5% text, toolbar open', s);
    await visit(page, elderPlan.url);
    const e = await page.evaluate(() => ({
      contrast: document.documentElement.classList.contains('a11y-contrast'),
      px: parseFloat(getComputedStyle(document.documentElement).fontSize),
    }));
    t.check(e.contrast && Math.abs(e.px - 22 * 1.125) < 0.01, 'in the 长者版 too (22px × 112.5%)', e);
    await click(page, 'reset-all');
    await visit(page, plan.url);
    const r = await page.evaluate(() => ({
      contrast: document.documentElement.classList.contains('a11y-contrast'),
      px: parseFloat(getComputedStyle(document.documentElement).fontSize),
    }));
    const saved = await state(page);
    t.check(!r.contrast && r.px === 16 && saved.scale === 0 && saved.contrast === false, '全部恢复 puts everything back, on every page', { r, saved });
    await page.evaluate(() => localStorage.clear());
  });
  await context.close();
}

// ---- read-aloud, where the browser has speechSynthesis
{
  const context = await launch();
  const probe = await context.newPage();
  await visit(probe, plan.url);
  const hasSpeech = await probe.evaluate(() => 'speechSynthesis' in window && typeof window.SpeechSynthesisUtterance === 'function');
  await probe.close();
  if (!hasSpeech) {
    const page = await context.newPage();
    await visit(page, plan.url);
    await page.click('button.a11y-entry:visible');
    const speech = page.locator('#a11y-toolbar .tb-speech');
    const count = await speech.count();
    t.check(count > 0 && (await speech.evaluateAll((els) => els.every((el) => el.hidden || el.getBoundingClientRect().height === 0))), `no speechSynthesis: the read-aloud buttons (${count}) stay hidden`);
    t.info('read-aloud: this browser has no speechSynthesis; only the hidden buttons were checked');
  } else {
    // Record the calls instead of speaking; an utterance never ends by itself.
    await context.addInitScript(() => {
      const calls = (window.__speech = []);
      const s = window.speechSynthesis;
      s.speak = (u) => calls.push(['speak', u.text, u.lang, u.rate]);
      s.pause = () => calls.push(['pause']);
      s.resume = () => calls.push(['resume']);
      s.cancel = () => calls.push(['cancel']);
      // A device with a Chinese voice (readers.spec.mjs checks the one without).
      s.getVoices = () => [{ lang: 'zh-CN', name: 'stub', default: true, localService: true, voiceURI: 'stub' }];
    });
    for (const p of [plan, elderPlan]) {
      const page = await context.newPage();
      await t.step(`read-aloud on ${p.type}`, async () => {
        await visit(page, p.url);
        await page.click('button.a11y-entry:visible');
        t.check(await page.locator('#a11y-toolbar .tb-speech').isVisible(), `${p.type}: the read-aloud buttons are shown`);
        t.check((await disabled(page, 'pause')) && (await disabled(page, 'stop')), `${p.type}: 暂停 and 停止 disabled before reading`);
        await click(page, 'speak');
        const calls = await page.evaluate(() => window.__speech.slice());
        const spoken = calls.filter((c) => c[0] === 'speak');
        // The title and metadata line are read first, then the text.
        const mainText = await page.evaluate(() => [...document.querySelectorAll('[data-read-aloud]')].map((e) => e.innerText).join('').replace(/\s+/g, ''));
        t.check(spoken.length === 1 && spoken[0][2] === 'zh-CN', `${p.type}: 朗读正文 speaks in zh-CN, one sentence at a time`, calls);
        t.check(spoken.length && mainText.includes(spoken[0][1].replace(/\s+/g, '')), `${p.type}: it reads the document's own text`, spoken[0]);
        t.check(p.elder ? spoken[0][3] < 1 : spoken[0][3] === 1, `${p.type}: speech rate ${p.elder ? 'slower in the 长者版' : 'normal'}`, spoken[0]);
        t.check(!(await disabled(page, 'pause')) && !(await disabled(page, 'stop')), `${p.type}: 暂停 and 停止 enabled while reading`);
        await click(page, 'pause');
        t.check((await page.evaluate(() => window.__speech.at(-1)[0])) === 'pause' && (await pressed(page, 'pause')) === 'true', `${p.type}: 暂停朗读 pauses`);
        await click(page, 'pause');
        t.check((await page.evaluate(() => window.__speech.at(-1)[0])) === 'resume' && (await pressed(page, 'pause')) === 'false', `${p.type}: pressed again, it resumes`);
        await noAxeViolations(page, `${p.type}: no axe violations with the toolbar open while reading`);
        await click(page, 'stop');
        t.check((await page.evaluate(() => window.__speech.at(-1)[0])) === 'cancel' && (await disabled(page, 'pause')) && (await disabled(page, 'stop')), `${p.type}: 停止朗读 stops`);
        await page.evaluate(() => localStorage.clear());
      });
      await page.close();
    }
  }
  await context.close();
}

// ---- the open toolbar on a phone
for (const p of [plan, elderPlan]) {
  const context = await launch({ viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await t.step(`${p.type} at 375px with the toolbar open`, async () => {
    await visit(page, p.url);
    await page.click('button.a11y-entry:visible');
    const over = await horizontalOverflow(page);
    t.check(!over, `${p.type} at 375px: the open toolbar does not scroll sideways`, over && JSON.stringify(over));
  });
  await context.close();
}

await t.done(`toolbar exercised on ${plan.url.replace(SITE_URL, '/')} and its 长者版; ${types.length} page views loaded with JavaScript`);
