// The broadcast pages in a real browser, at the keyboard: the demo IEN reaches "Diffusions" from
// the header, opens a new broadcast, is refused an empty form (the error summary names the
// fields), ticks the directors of their circonscription with the space bar, previews the
// audience with Enter (the count and the first recipients), then sends it and finds it in the
// list. axe-core checks the list, the form, the refused form, the preview and the broadcast's
// page; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, signInAs } from './server.js';
import { checkPage } from './axe.js';

/** The demo IEN (crates/demo/src/people.rs). */
const IEN = { email: 'ien.demo@ac-dijon.fr', password: 'demo-guichet' };

let env;
let page;

before(async () => {
  env = await start();
  page = await env.context.newPage();
});

after(async () => {
  await env?.stop();
});

const check = (name) => checkPage(page, name);

/** Types into the field labelled `label` from the keyboard. */
async function type(label, text) {
  await page.getByLabel(label, { exact: true }).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Focuses `locator` and presses `key` on it, as a keyboard user would. */
async function press(locator, key) {
  await locator.focus();
  await page.keyboard.press(key);
}

test('the IEN reaches the broadcasts from the header; an empty form is refused by field', async () => {
  await signInAs(env, page, IEN);
  await page.getByRole('link', { name: 'Diffusions', exact: true }).first().click();
  await page.waitForURL(`${env.base}/broadcasts`);
  assert.equal(await page.locator('h1').innerText(), "Diffusions d'information");
  await check('broadcasts-list');

  await page.getByRole('link', { name: 'Nouvelle diffusion' }).click();
  await page.waitForURL(`${env.base}/broadcasts/new`);
  await check('broadcasts-new');
  await press(page.getByRole('button', { name: 'Envoyer ou programmer' }), 'Enter');
  await page.locator('#error-summary').waitFor();
  assert.match(await page.title(), /^Erreur/);
  const summary = await page.locator('#error-summary').innerText();
  for (const field of ['Objet', 'Texte du message', 'Rôles des destinataires', 'Zones']) {
    assert.match(summary, new RegExp(`« ${field} »`), summary);
  }
  await check('broadcasts-new-errors');
  // The summary's links lead to their fields.
  await press(page.locator('#error-summary a').first(), 'Enter');
  await page.waitForURL(/#field-subject_fr$/);
});

test('the IEN previews the directors of their circonscription, then sends', async () => {
  await type('Objet', 'Coupure ONDE mercredi');
  // Tab goes from the subject to the text: the order of the form is the order of reading.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'field-body_fr');
  await page.keyboard.type('ONDE sera indisponible mercredi de 8 h à 10 h.');
  await press(page.getByLabel("Directeur ou directrice d'école"), 'Space');
  assert.ok(await page.getByLabel("Directeur ou directrice d'école").isChecked());
  const zone = page.locator('#field-zones input[type=checkbox]').first();
  await press(zone, 'Space');
  assert.ok(await zone.isChecked());

  await press(page.getByRole('button', { name: 'Aperçu des destinataires' }), 'Enter');
  await page.locator('#preview').waitFor();
  assert.match(page.url(), /#preview$/);
  const count = await page.locator('#preview .fr-callout__text').innerText();
  assert.match(count, /^\d+ personnes? (recevra|recevront) ce message\.$/, count);
  assert.ok((await page.locator('#preview tbody tr').count()) >= 1, 'a sample of recipients');
  assert.equal(await page.getByLabel('Objet', { exact: true }).inputValue(), 'Coupure ONDE mercredi');
  assert.ok(await page.getByLabel("Directeur ou directrice d'école").isChecked(), 'kept');
  await check('broadcasts-preview');

  await press(page.getByRole('button', { name: 'Envoyer ou programmer' }), 'Enter');
  await page.waitForURL(/\/broadcasts\/\d+\?done=sending$/);
  await page.getByText("La diffusion est en cours d'envoi.").waitFor();
  assert.equal(await page.locator('h1').innerText(), 'Coupure ONDE mercredi');
  await check('broadcasts-show');

  await page.getByRole('link', { name: 'Retour aux diffusions' }).click();
  await page.getByRole('link', { name: 'Coupure ONDE mercredi' }).waitFor();
  await check('broadcasts-list-one');
});
