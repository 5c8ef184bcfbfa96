// Issue 18, as readers see it (items 1, 2, 4, 5 and 10):
//   - a unit page shows each task whole: the row's text equals the task's text on its
//     plan page (no first-sentence cut, no "…"), with the unit's role, the units and
//     the deadline, on screen and in print;
//   - the 长者版 puts the content first: at 375x812 the plan's first task within 1.5
//     viewport heights (and the unit's first task too), at least 14 characters a line,
//     no box in a box, every link underlined, no topic chips, group tags, QR code,
//     open-data panel or font-size buttons;
//   - the toolbar keeps keyboard focus on a usable control when a button becomes
//     disabled at its limit, and Esc still closes it; 朗读正文 without a voice says so,
//     and reads the title and metadata first when there is one;
//   - standard pages: body and task text at least 18 px, nothing under 16 px;
//     breadcrumb, footer and top-bar links at least 24x24 px; one search box on the
//     phone's first screen;
//   - the units index in pinyin order with aligned counts; the table of contents keeps
//     each heading in the column of its first item.
import { launch, pageTypes, report, visit } from './lib.mjs';

const t = report('readers');
const types = pageTypes();
const find = (kind, elder) => types.find((p) => p.kind === kind && p.elder === elder);
const norm = (s) => (s || '').replace(/\s+/g, '');

// ---- 1. unit pages: whole tasks, equal to the plan's text, on screen and in print
{
  const context = await launch();
  const page = await context.newPage();
  const unit = find('unit', false);
  const rows = await t.step('unit page rows', async () => {
    await visit(page, unit.url);
    return page.$$eval('.task-rows > li', (lis) =>
      lis.map((li) => ({
        href: li.querySelector(':scope > a')?.href || '',
        text: li.querySelector(':scope > div')?.innerText || '',
        role: li.querySelector(':scope > span')?.textContent || '',
        meta: li.querySelector(':scope > p')?.textContent || '',
      })),
    );
  });
  t.check(rows && rows.length > 0, `${unit.url}: lists tasks`);
  const plans = new Map();
  let equal = 0;
  for (const r of rows || []) {
    if (!t.check(r.href.includes('#'), `${unit.url}: each row links to its task (${r.href || 'no link'})`)) continue;
    const [url, anchor] = r.href.split('#');
    if (!plans.has(url)) {
      await visit(page, url);
      plans.set(url, await page.$$eval('article.task', (as) => Object.fromEntries(as.map((a) => [a.id, {
        text: a.querySelector('.task-text')?.innerText || '',
        units: !!a.querySelector('.tm-lead, .tm-resp, .tm-part'),
        due: [...a.querySelectorAll('.tm-deadlines li')].map((li) => li.textContent.trim()),
      }]))));
    }
    const task = plans.get(url)[anchor];
    if (!t.check(task, `${r.href}: the row links to a task of its plan`)) continue;
    if (norm(task.text) === norm(r.text)) equal++;
    else t.fail(`${r.href}: unit-page text equals the plan's text`, { unit: r.text.slice(0, 200), plan: task.text.slice(0, 200) });
    t.check(/牵头|参与/.test(r.role), `${r.href}: the row says the unit's role`, r.role);
    if (task.units) t.check(/单位：/.test(r.meta), `${r.href}: the row names the units`, r.meta);
    for (const d of task.due) t.check(r.meta.includes(d), `${r.href}: the row gives the deadline ${d}`, r.meta);
  }
  t.check(equal === (rows || []).length, `${unit.url}: ${equal} of ${(rows || []).length} rows are the whole task`);
  await t.step('unit page in print', async () => {
    await visit(page, unit.url);
    await page.emulateMedia({ media: 'print' });
    const cut = await page.$$eval('.task-rows > li > div', (els) => els.filter((e) => !e.checkVisibility() || e.scrollHeight > e.clientHeight + 1 || /…$/.test(e.innerText.trim())).length);
    t.check(cut === 0, `${unit.url}: in print every task shows whole (${cut} cut)`);
    await page.emulateMedia({ media: 'screen' });
  });
  await context.close();
}

// ---- 2. the 长者版 puts the content first (375x812)
{
  const H = 812;
  const context = await launch({ viewport: { width: 375, height: H } });
  const page = await context.newPage();
  for (const [kind, first] of [['plan', 'article.task'], ['unit', '.task-rows > li']]) {
    const p = find(kind, true);
    await t.step(`${p.type}: content first`, async () => {
      await visit(page, p.url);
      const m = await page.evaluate((sel) => {
        const el = document.querySelector(sel);
        const r = el.getBoundingClientRect();
        const text = el.querySelector('.task-text p, .task-rows > li > div > p') || el;
        const fs = parseFloat(getComputedStyle(text).fontSize);
        return { top: r.top + window.scrollY, perLine: text.getBoundingClientRect().width / fs };
      }, first);
      t.check(m.top < 1.5 * H, `${p.type}: the first task starts ${Math.round(m.top)} px down, within 1.5 screens (${1.5 * H} px)`);
      t.check(m.perLine >= 14, `${p.type}: ${m.perLine.toFixed(1)} characters a line (at least 14)`);
      const shown = await page.evaluate(() =>
        ['.chips', '.tag', '.qr', '.opendata', '.doc-tools', '.fontsize', '.tm-topics']
          .flatMap((s) => [...document.querySelectorAll(s)].filter((e) => e.checkVisibility()).map(() => s)));
      t.check(shown.length === 0, `${p.type}: no topic chips, group tags, QR code, open data or font-size buttons`, shown.join(' '));
      const plain = await page.evaluate(() =>
        [...document.querySelectorAll('a[href]')].filter((a) => a.checkVisibility() && !a.closest('.vh, .skip-link')
          && !getComputedStyle(a).textDecorationLine.includes('underline')).map((a) => a.textContent.trim()).slice(0, 8));
      t.check(plain.length === 0, `${p.type}: every link is underlined`, plain.join(' | '));
      const nested = await page.evaluate((sel) => {
        const out = [];
        for (let e = document.querySelector(sel).parentElement; e && e !== document.body; e = e.parentElement) {
          const cs = getComputedStyle(e);
          if (parseFloat(cs.borderLeftWidth) > 0 && parseFloat(cs.borderRightWidth) > 0) out.push(e.className || e.tagName);
        }
        return out;
      }, first);
      t.check(nested.length === 0, `${p.type}: the first task is in no framed box`, nested.join(' > '));
    });
  }
  await context.close();
}

// ---- 4. toolbar focus at the limits; read-aloud without and with a voice
{
  const context = await launch();
  const page = await context.newPage();
  const plan = find('plan', false);
  const focusInfo = () => page.evaluate(() => {
    const a = document.activeElement;
    return { body: !a || a === document.body || a === document.documentElement, disabled: !!a.disabled, what: a.getAttribute && (a.getAttribute('data-a11y') || a.className) };
  });
  await t.step('toolbar focus', async () => {
    await visit(page, plan.url);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator('button.a11y-entry:visible').first().click();
    const press = async (what) => {
      await page.focus(`#a11y-toolbar [data-a11y="${what}"]`);
      await page.keyboard.press('Enter');
    };
    for (let i = 0; i < 6; i++) await press('bigger');
    let f = await focusInfo();
    t.check(!f.body && !f.disabled, `放大文字 at 200 %: focus stays on a usable control (${f.what})`);
    for (let i = 0; i < 6; i++) {
      if (await page.isDisabled('#a11y-toolbar [data-a11y="smaller"]')) break;
      await press('smaller');
    }
    f = await focusInfo();
    t.check(!f.body && !f.disabled, `缩小文字 at 100 %: focus stays on a usable control (${f.what})`);
    await press('bigger');
    await press('reset-size');
    f = await focusInfo();
    t.check(!f.body && !f.disabled, `默认大小: focus stays on a usable control (${f.what})`);
    await page.keyboard.press('Escape');
    t.check(await page.isHidden('#a11y-toolbar'), 'Esc closes the toolbar after 默认大小');
    f = await focusInfo();
    t.check(!f.body, `after Esc, focus is on the 无障碍 button (${f.what})`);
    await page.evaluate(() => localStorage.clear());
  });
  await context.close();

  // read-aloud: a speechSynthesis with no voice, then one with a Chinese voice
  for (const voices of [0, 1]) {
    const ctx = await launch();
    await ctx.addInitScript((n) => {
      const spoken = [];
      window.__spoken = spoken;
      const synth = {
        speaking: false, paused: false, pending: false,
        getVoices: () => (n ? [{ lang: 'zh-CN', name: 'test', default: true, localService: true, voiceURI: 'test' }] : []),
        speak(u) {
          spoken.push(u.text);
          setTimeout(() => {
            if (!n) { if (u.onerror) u.onerror({ error: 'synthesis-failed' }); return; }
            if (u.onstart) u.onstart({});
            if (u.onend) u.onend({});
          }, 5);
        },
        cancel() {}, pause() {}, resume() {},
        addEventListener() {}, removeEventListener() {},
      };
      Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
      window.SpeechSynthesisUtterance = function (text) { this.text = text; };
    }, voices);
    const pg = await ctx.newPage();
    await t.step(`read-aloud with ${voices} voices`, async () => {
      await visit(pg, plan.url);
      await pg.evaluate(() => localStorage.clear());
      await pg.locator('button.a11y-entry:visible').first().click();
      await pg.click('#a11y-toolbar [data-a11y="speak"]');
      // Until it has said so (no voice) or read its first six sentences, instead of
      // a fixed wait; on a time-out the checks below say what was missing.
      await pg
        .waitForFunction((n) => (n ? window.__spoken.length >= 6 : /没有/.test(document.querySelector('#a11y-toolbar .tb-status')?.textContent || '')), voices, { timeout: 10_000 })
        .catch(() => {});
      const status = await pg.textContent('#a11y-toolbar .tb-status');
      const spoken = await pg.evaluate(() => window.__spoken);
      const title = await pg.textContent('h1');
      if (!voices) {
        t.check(/没有/.test(status) && /设置/.test(status), `no voice: 朗读正文 says no voice is available and how to get one ("${status.slice(0, 40)}…")`);
      } else {
        t.check(spoken.slice(0, 6).join('').includes(title.trim().slice(0, 10)), 'read-aloud starts with the kicker and title', spoken.slice(0, 6));
        const meta = await pg.evaluate(() => document.querySelector('.meta-line')?.textContent || '');
        if (meta) t.check(spoken.slice(0, 6).join('').includes(meta.trim().slice(0, 6)), 'read-aloud reads the metadata line', spoken.slice(0, 6));
      }
    });
    await ctx.close();
  }
}

// ---- 5. standard pages: text sizes, target sizes, one search box on the phone
{
  const context = await launch();
  const page = await context.newPage();
  for (const kind of ['plan', 'unit', 'home']) {
    const p = find(kind, false);
    await t.step(`${p.type}: text and target sizes`, async () => {
      await visit(page, p.url);
      const m = await page.evaluate(() => {
        const small = [];
        let chars = 0;
        let big = 0;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          const len = n.textContent.trim().length;
          if (!len || el.closest('.vh, script, style, [hidden], .skip-link, svg') || !el.checkVisibility()) continue;
          const px = parseFloat(getComputedStyle(el).fontSize);
          chars += len;
          if (px >= 18) big += len;
          if (px < 16) small.push(`${el.tagName.toLowerCase()}.${el.className}: ${px}px "${n.textContent.trim().slice(0, 12)}"`);
        }
        const body = [...document.querySelectorAll('.doc-text p, .task-text p, .task-rows > li > div > p')].map((e) => parseFloat(getComputedStyle(e).fontSize));
        const targets = [...document.querySelectorAll('.crumbs a, .site-footer a, .topbar a, .topbar button')]
          .filter((a) => a.checkVisibility())
          .map((a) => ({ a: a.textContent.trim(), r: a.getBoundingClientRect() }))
          .filter((x) => x.r.width < 24 || x.r.height < 24)
          .map((x) => `${x.a} ${Math.round(x.r.width)}x${Math.round(x.r.height)}`);
        return { small, share: big / chars, minBody: body.length ? Math.min(...body) : 99, targets };
      });
      t.check(m.small.length === 0, `${p.type}: no text under 16 px`, m.small.slice(0, 8).join('\n'));
      t.check(m.minBody >= 18, `${p.type}: body and task text at least 18 px (smallest ${m.minBody} px)`);
      t.info(`${p.type}: ${(m.share * 100).toFixed(0)} % of the characters at 18 px or more`);
      t.check(m.targets.length === 0, `${p.type}: breadcrumb, footer and top-bar links at least 24x24 px`, m.targets.join('\n'));
    });
  }
  await context.close();
  const phone = await launch({ viewport: { width: 375, height: 812 } });
  const pp = await phone.newPage();
  for (const kind of ['home', 'plan', 'search']) {
    const p = find(kind, false);
    if (!p) continue;
    await t.step(`${p.type}: search boxes at 375 px`, async () => {
      await visit(pp, p.url);
      const n = await pp.evaluate(() => [...document.querySelectorAll('input[type="search"]')]
        .filter((i) => i.checkVisibility() && i.getBoundingClientRect().top < window.innerHeight).length);
      t.check(n <= 1, `${p.type}: ${n} search box on the phone's first screen (at most one)`);
    });
  }
  await phone.close();
}

// ---- 10. the units index in pinyin order, counts aligned; the table of contents
{
  const context = await launch();
  const page = await context.newPage();
  const units = find('units', false);
  await t.step('units index order', async () => {
    await visit(page, units.url);
    const r = await page.evaluate(() => {
      const coll = new Intl.Collator('zh-CN-u-co-pinyin');
      let pairs = 0;
      const wrong = [];
      const misaligned = [];
      for (const table of document.querySelectorAll('table.unit-table')) {
        const names = [...table.querySelectorAll('tbody th a')].map((a) => a.firstChild.textContent.trim());
        for (let i = 1; i < names.length; i++) {
          pairs++;
          if (coll.compare(names[i - 1], names[i]) > 0) wrong.push(`${names[i - 1]} > ${names[i]}`);
        }
        for (let c = 2; c <= 4; c++) {
          const rights = new Set([...table.querySelectorAll(`tbody tr > :nth-child(${c})`)].map((td) => {
            const range = document.createRange();
            range.selectNodeContents(td);
            return Math.round(range.getBoundingClientRect().right);
          }));
          if (rights.size > 1) misaligned.push(`${table.caption.textContent} column ${c}`);
        }
      }
      return { pairs, wrong, misaligned };
    });
    // Chromium's pinyin collation and the pinyin crate read a few polyphones differently.
    t.check(r.pairs > 0 && r.wrong.length <= Math.ceil(r.pairs * 0.02), `units index: ${r.pairs - r.wrong.length} of ${r.pairs} neighbours in pinyin order`, r.wrong.slice(0, 10));
    t.check(r.misaligned.length === 0, 'units index: counts right-aligned in each column', r.misaligned);
  });
  const plan = find('plan', false);
  await t.step('table of contents columns', async () => {
    await visit(page, plan.url);
    const split = await page.evaluate(() => [...document.querySelectorAll('.toc li.toc-d0')].filter((li) => {
      const next = li.nextElementSibling;
      // an item above its heading went to the next column
      return next && !next.classList.contains('toc-d0') && next.getBoundingClientRect().top < li.getBoundingClientRect().top;
    }).map((li) => li.textContent.trim()));
    t.check(split.length === 0, `${plan.type}: each table-of-contents heading stays with its first item`, split);
  });
  await context.close();
}

await t.done('unit rows, 长者版 first screens, toolbar focus, sizes, units order checked');
