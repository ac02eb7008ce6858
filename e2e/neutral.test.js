// The neutral theme (`web.theme = "neutral"`, for deployments that are not State services):
// our own stylesheet must meet the same contrast and structure rules as the DSFR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, artifacts, DIRECTOR } from './server.js';
import { seriousViolations } from './axe.js';

let env;
let page;

before(async () => {
  env = await start({ GUICHET_WEB_THEME: 'neutral' });
  page = await env.context.newPage();
});

after(async () => {
  await env?.stop();
});

async function check(name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  assert.deepEqual(await seriousViolations(page), [], `${name}: serious or critical violations`);
}

test('the neutral theme carries no State identity and stays accessible', async () => {
  await page.goto(`${env.base}/sign-in`);
  assert.equal(await page.getByText('République').count(), 0);
  await check('neutral-sign-in');
  await page.getByLabel('Adresse électronique').fill(DIRECTOR.email);
  await page.getByLabel('Mot de passe').fill(DIRECTOR.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${env.base}/`);
  await check('neutral-home');
  await page.goto(`${env.base}/requests/new`);
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await page.locator('#error-summary').waitFor();
  await check('neutral-new-request-errors');
});
