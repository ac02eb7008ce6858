// Routing and SLA administration in a real browser: the demo administrator opens the routing
// rules, is refused a nameless rule (the error summary names the field), writes a rule "a
// printer goes to DSI-N2-LSUN" with the form, tests it on the last requests and saves it; a
// director then files a request about a printer and the N2 agent finds it in their group's
// queue, the timeline naming the rule. The calendars and SLA policies pages are visited, and
// axe-core checks every new page kind; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, signInAs, ADMIN, DIRECTOR, AGENT_N2 } from './server.js';
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

test('the administrator writes a routing rule with the form, refused first without a name', async () => {
  await signInAs(env, page, ADMIN);
  await page.goto(`${env.base}/admin`);
  await page.getByRole('link', { name: 'Règles de routage' }).click();
  await page.waitForURL(/\/admin\/rules$/);
  const desk = page.getByLabel('Guichet', { exact: true });
  await desk.selectOption(await desk.locator('option', { hasText: 'DSI académique' }).getAttribute('value'));
  await page.getByRole('button', { name: 'Afficher ses règles' }).click();
  await page.waitForURL(/\/admin\/rules\?desk=/);
  await check('rules-list');

  await page.getByRole('link', { name: 'Nouvelle règle' }).click();
  await page.waitForURL(/\/admin\/rules\/new/);
  await check('rules-new');
  await page.getByLabel('Condition 1 : critère').selectOption('text');
  await page.getByLabel('Condition 1 : opérateur').selectOption('contains_any');
  await page.getByLabel('Condition 1 : valeur').fill('imprimante, photocopieur');
  const group = page.getByLabel('Orienter vers le groupe');
  const n2 = await group.locator('option', { hasText: 'DSI-N2-LSUN' }).getAttribute('value');
  await group.selectOption(n2);
  await page.getByRole('button', { name: 'Enregistrer la règle' }).click();
  await page.locator('#error-summary').waitFor();
  assert.match(await page.title(), /^Erreur/);
  assert.match(await page.locator('#error-summary').innerText(), /Nom de la règle/);
  assert.equal(await page.getByLabel('Condition 1 : valeur').inputValue(), 'imprimante, photocopieur');
  await check('rules-new-errors');

  await page.getByLabel('Nom de la règle').fill('Imprimantes au N2 LSUN');
  await page.getByRole('button', { name: 'Tester sur les 1 000 dernières demandes' }).click();
  await page.locator('#test-results').waitFor();
  assert.match(await page.locator('#test-results h2').innerText(), /1 000 dernières demandes/);
  await check('rules-tested');

  await page.getByRole('button', { name: 'Enregistrer la règle' }).click();
  await page.getByText('La règle est créée.').waitFor();
  assert.ok(await page.getByRole('link', { name: 'Imprimantes au N2 LSUN' }).isVisible());
  await check('rules-created');
});

test('a new request about a printer reaches the N2 group the rule names', async () => {
  await signInAs(env, page, DIRECTOR);
  await page.getByRole('link', { name: 'Faire une nouvelle demande' }).click();
  await page.locator('label[for="application-ONDE"]').click();
  await page.locator('label[for="type-incident"]').click();
  await page.getByLabel('Objet').fill("L'imprimante de la direction ne répond plus");
  await page.getByLabel('Description').fill("Depuis ce matin, l'imprimante affiche une erreur réseau.");
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await page.waitForURL(/\/requests\/\d{4}-\d{6}\/submitted$/);
  const reference = (await page.locator('.guichet-reference').innerText()).trim();

  await signInAs(env, page, AGENT_N2);
  await page.goto(`${env.base}/desk`);
  await page.getByRole('link', { name: /DSI-N2-LSUN/ }).first().click();
  await page.getByRole('link', { name: reference }).waitFor();
  await check('rules-routed-queue');
  await page.getByRole('link', { name: reference }).click();
  await page.getByText('Imprimantes au N2 LSUN').first().waitFor();
});

test('the calendars and SLA policies pages pass axe', async () => {
  await signInAs(env, page, ADMIN);
  await page.goto(`${env.base}/admin/calendars`);
  assert.equal(await page.locator('h1').innerText(), 'Calendriers');
  await check('calendars');
  await page.getByLabel('Code du calendrier').fill('paris');
  await page.getByLabel('Nom du calendrier').fill('DSI Paris');
  await page.getByLabel('Territoire (jours fériés)').selectOption('metropole');
  await page.getByRole('button', { name: 'Créer le calendrier' }).click();
  await page.getByText('Le calendrier est créé.').waitFor();
  await check('calendar');

  await page.goto(`${env.base}/admin/sla`);
  await check('sla-policies');
  await page.getByLabel("Code de l'engagement").fill('dsi-std');
  await page.getByRole('button', { name: "Créer l'engagement" }).click();
  await page.locator('#error-summary').waitFor();
  await check('sla-policies-errors');
});
