// The notifications page in a real browser, at the keyboard: the demo director reaches
// "Notifications" from the header, reads their notices (the demo's tickets were notified by the
// job workers), marks them read with Enter and is told so. axe-core checks the page before and
// after; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, signInAs } from './server.js';
import { checkPage } from './axe.js';

/** The demo director (crates/demo/src/people.rs). */
const DIRECTOR = { email: 'directrice.demo@ac-dijon.fr', password: 'demo-guichet' };

let env;
let page;

before(async () => {
  env = await start();
  page = await env.context.newPage();
});

after(async () => {
  await env?.stop();
});

test('the director reads their notifications and marks them read from the keyboard', async () => {
  await signInAs(env, page, DIRECTOR);
  const link = page.getByRole('link', { name: 'Notifications', exact: true }).first();
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${env.base}/notifications`);
  assert.equal(await page.locator('h1').innerText(), 'Mes notifications');
  await checkPage(page, 'notifications');

  const mark = page.getByRole('button', { name: 'Tout marquer comme lu' });
  if ((await mark.count()) > 0) {
    await mark.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.base}/notifications?done=read`);
    assert.match(
      await page.locator('main').innerText(),
      /Toutes vos notifications sont marquées comme lues\./,
    );
    await checkPage(page, 'notifications-read');
  }
  assert.match(await page.locator('main').innerText(), /Aucune notification non lue\./);
});
