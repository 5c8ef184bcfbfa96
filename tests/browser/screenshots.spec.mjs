// Screenshots for people to look at, into $SCREENSHOT_DIR (default
// /tmp/planpress-shots, outside the repo): a plan page, standard and 长者版, at
// 1280 px and 375 px, its top as a reader first sees it (plan-…-top.png) and
// the top of the page down to at most 4000 px (plan-….png); and the home, a
// unit and a topic page likewise (SHOTS=plan takes only the plan page); and
// the fixture's right-to-left Uyghur plan and unit pages (plan-ug-…,
// unit-ug-…).
// Each picture is checked to be a PNG of the right width.
import fs from 'node:fs';
import path from 'node:path';
import { launch, pageTypes, report, visit, rtlPages, SCREENSHOT_DIR } from './lib.mjs';

const t = report('screenshots');
fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
const types = pageTypes();
types.push(...rtlPages().filter((p) => p.kind === 'plan' || p.kind === 'unit'));
const wanted = process.env.SHOTS === 'plan' ? ['plan'] : ['plan', 'home', 'unit', 'topic', 'search'];
const MAX_HEIGHT = 4000;
const written = [];

function pngSize(file) {
  const b = fs.readFileSync(file);
  if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') return null;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

for (const width of [1280, 375]) {
  const context = await launch({ viewport: { width, height: width > 600 ? 900 : 812 } });
  const page = await context.newPage();
  for (const kind of wanted) {
    for (const p of types.filter((x) => x.kind === kind && x.status === 200)) {
      const base = `${kind}-${p.lang === 'ug' ? 'ug' : p.elder ? 'elder' : 'standard'}-${width}`;
      await t.step(base, async () => {
        await visit(page, p.url);
        await page.evaluate(() => document.fonts && document.fonts.ready);
        const top = path.join(SCREENSHOT_DIR, `${base}-top.png`);
        await page.screenshot({ path: top, animations: 'disabled', caret: 'hide' });
        const height = Math.min(MAX_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
        const full = path.join(SCREENSHOT_DIR, `${base}.png`);
        await page.screenshot({ path: full, fullPage: true, clip: { x: 0, y: 0, width, height }, animations: 'disabled', caret: 'hide' });
        for (const file of [top, full]) {
          const size = pngSize(file);
          t.check(size && size.width === width, `${path.basename(file)}: a ${width} px wide PNG`, size);
          written.push(file);
        }
      });
    }
  }
  await context.close();
}

await t.done(`${written.length} screenshots in ${SCREENSHOT_DIR}`);
