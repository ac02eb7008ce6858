// The requester portal in a real browser: a director signs in, submits an ONDE request with an
// attachment, finds it on the home page and opens it; axe-core checks every page kind on the
// way; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, artifacts, DIRECTOR } from './server.js';
import { checkPage } from './axe.js';

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

test('the sign-in page is accessible and in French by default', async () => {
  await page.goto(`${env.base}/`);
  assert.match(page.url(), /\/sign-in/);
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal(await page.locator('h1').innerText(), 'Se connecter');
  await check('sign-in');
});

test('a wrong password is refused with a message on the field', async () => {
  await page.getByLabel('Adresse électronique').fill(DIRECTOR.email);
  await page.getByLabel('Mot de passe').fill('not the password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await assert.doesNotReject(page.getByText('Identifiant ou mot de passe incorrect.').first().waitFor());
  await check('sign-in-error');
});

test('the director signs in and sees the home page', async () => {
  await page.getByLabel('Adresse électronique').fill(DIRECTOR.email);
  await page.getByLabel('Mot de passe').fill(DIRECTOR.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${env.base}/`);
  assert.equal(await page.locator('h1').innerText(), 'Mes demandes');
  await check('home');
});

test('the new request form names its errors, then files an ONDE request with an attachment', async () => {
  await page.getByRole('link', { name: 'Faire une nouvelle demande' }).click();
  await page.waitForURL(/\/requests\/new$/);
  await check('new-request');

  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await page.locator('#error-summary').waitFor();
  assert.match(await page.title(), /^Erreur/);
  await check('new-request-errors');

  // DSFR radios draw their own control over the input: a person clicks the label.
  await page.locator('label[for="application-ONDE"]').click();
  await page.locator('label[for="type-incident"]').click();
  assert.equal(await page.isChecked('#application-ONDE'), true);
  await page.getByLabel('Objet').fill('ONDE : admission impossible');
  await page.getByLabel('Description').fill("La validation de l'admission d'un élève échoue avec une erreur 500.");
  const file = join(artifacts, 'capture-ecran.txt');
  writeFileSync(file, 'Erreur 500 à 9 h 12\n');
  await page.getByLabel(/Pièces jointes/).setInputFiles(file);
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await page.waitForURL(/\/requests\/\d{4}-\d{6}\/submitted$/);
  const reference = (await page.locator('.guichet-reference').innerText()).trim();
  assert.match(reference, /^\d{4}-\d{6}$/);
  await check('submitted');

  await page.getByRole('link', { name: 'Retour à mes demandes' }).click();
  await page.waitForURL(`${env.base}/`);
  const row = page.locator('tr', { hasText: reference });
  assert.equal(await row.count(), 1, 'the new request is on the home page');
  await row.getByRole('link', { name: reference }).click();
  await page.waitForURL(new RegExp(`/requests/${reference}$`));
  assert.equal(await page.locator('h1').innerText(), 'ONDE : admission impossible');
  assert.equal(await page.getByText('capture-ecran.txt').count(), 1, 'the attachment is listed');
  await check('request');
});

test('the accessibility statement is reachable from the footer', async () => {
  await page.getByRole('link', { name: /Accessibilité/ }).click();
  await page.waitForURL(/\/accessibility$/);
  assert.equal(await page.locator('h1').innerText(), "Déclaration d'accessibilité");
  await check('accessibility');
});

test('the pages switch to English and stay accessible', async () => {
  await page.getByRole('link', { name: 'English' }).first().click();
  await page.waitForURL(/\/accessibility$/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), 'Accessibility statement');
  await check('accessibility-en');
  await page.goto(`${env.base}/requests/new`);
  await check('new-request-en');
});

test('the keyboard reaches the skip link first, and it leads to the content', async () => {
  await page.goto(`${env.base}/`);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
  assert.equal(focused, '#content');
});
