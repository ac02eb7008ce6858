// Runs axe-core in a page and returns the serious and critical violations (WCAG 2.1 A and AA
// rules, plus best practices). The script is evaluated through the DevTools protocol, so the
// page's Content-Security-Policy (no inline script) stays as it is.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { artifacts } from './server.js';

const require = createRequire(import.meta.url);
const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function seriousViolations(page) {
  await page.evaluate(source);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Saves a full-page screenshot of `page` as `artifacts/<name>.png`, then fails the test on any
 * serious or critical violation. */
export async function checkPage(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `${name}: axe found serious or critical violations`);
}
