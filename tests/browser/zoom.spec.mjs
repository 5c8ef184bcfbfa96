// 放大文字 reflows (issue 18 item 3, WCAG 1.4.10): every page type, standard and
// 长者版, at 320 and 375 px, at every step of the toolbar's text size (100 % to
// 200 %, pressed with the toolbar's own button): no sideways scrolling, and task
// text keeps a readable line (at least 6 characters at 375 px and 200 %).
import { launch, pageTypes, report, visit, overflowInPage } from './lib.mjs';

const t = report('zoom');
const types = pageTypes().filter((p) => p.status === 200);
let views = 0;

for (const width of [320, 375]) {
  const context = await launch({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  for (const p of types) {
    await t.step(`${p.type} at ${width}px`, async () => {
      await visit(page, p.url);
      await page.evaluate(() => localStorage.clear());
      await page.locator('button.a11y-entry:visible').first().click();
      // Every text size in one call, not four round trips a step: the toolbar's
      // click handler applies the size at once, and reading the sizes lays out.
      const steps = await page.evaluate(`(() => {
        const overflow = ${overflowInPage};
        const out = [];
        for (let step = 0; ; step++) {
          const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
          const text = document.querySelector('.task-text p, .task-rows > li > div > p, .doc-text p');
          const perLine = text ? text.getBoundingClientRect().width / parseFloat(getComputedStyle(text).fontSize) : null;
          out.push({ root, perLine, over: overflow() });
          const bigger = document.querySelectorAll('#a11y-toolbar [data-a11y="bigger"]');
          if (bigger.length !== 1) return { out, error: bigger.length + ' 放大文字 buttons' };
          if (bigger[0].disabled || step > 10) return { out };
          bigger[0].click();
        }
      })()`);
      const bad = steps.error ? [steps.error] : [];
      steps.out.forEach(({ root, perLine, over }, step) => {
        views++;
        if (over) bad.push(`step ${step} (${root}px root): ${JSON.stringify(over)}`);
        if (width === 375 && perLine !== null && perLine < 6) bad.push(`step ${step}: ${perLine.toFixed(1)} characters a line`);
      });
      t.check(bad.length === 0, `${p.type} at ${width}px: reflows at every text size`, bad.slice(0, 4).join('\n'));
      await page.evaluate(() => localStorage.clear());
    });
  }
  await context.close();
}

await t.done(`${views} (page, width, text size) views checked`);
