// The agent workspace in a real browser: the demo's N1 agent signs in, opens the unassigned
// queue of their group, opens a ticket, takes it and escalates it to N2 (first without a
// reason, which the form names); axe-core checks the desk home, a queue page and the agent
// ticket page; then a filtered queue saved as a view, and the ticket page's assign, status and
// application forms (axe on the filtered queue, the view and the ticket page with its forms);
// screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, artifacts, AGENT_N1 } from './server.js';
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

test('the N1 agent signs in and reaches the workspace from the header', async () => {
  await page.goto(`${env.base}/sign-in`);
  await page.getByLabel('Adresse électronique').fill(AGENT_N1.email);
  await page.getByLabel('Mot de passe').fill(AGENT_N1.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${env.base}/`);
  await page.getByRole('link', { name: 'Espace agent' }).first().click();
  await page.waitForURL(`${env.base}/desk`);
  assert.equal(await page.locator('h1').innerText(), 'Espace agent');
  await check('desk-home');
});

let reference;

test('the agent records a phone call for the demo director', async () => {
  await page.getByRole('link', { name: 'Saisir un appel téléphonique' }).click();
  await page.getByLabel('Qui appelle ?').fill('Claire Dumont');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.waitForURL(/\/desk\/phone\?q=/);
  await check('desk-phone-search');
  await page.getByRole('link', { name: 'Claire Dumont' }).first().click();
  await page.getByLabel('Objet').fill('Téléphone : ONDE ne répond plus');
  await page.getByLabel('Description').fill("Appel de la directrice : l'admission échoue avec une erreur 500.");
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await page.waitForURL(/\/desk\/tickets\/\d{4}-\d{6}$/);
  reference = page.url().split('/').pop();
});

test('the unassigned queue lists the ticket, and it opens on the agent ticket page', async () => {
  await page.goto(`${env.base}/desk`);
  await page.locator('a[href$="-new"]', { hasText: /^[1-9]\d*\+? non attribuée/ }).first().click();
  await page.waitForURL(/\/desk\/queues\/group-\d+-new$/);
  await check('desk-queue');
  await page.getByRole('link', { name: reference }).click();
  await page.waitForURL(new RegExp(`/desk/tickets/${reference}$`));
  assert.equal(await page.getByRole('heading', { name: 'Demandeur' }).count(), 1);
  await check('desk-ticket');
});

test('the agent takes the ticket, then escalates it to N2 with a reason', async () => {
  await page.getByRole('button', { name: 'Prendre en charge' }).click();
  await page.getByText('Vous avez pris la demande en charge.').waitFor();

  const group = page.getByLabel('Groupe de niveau supérieur');
  const n2 = await group.locator('option', { hasText: 'N2' }).first().getAttribute('value');
  await group.selectOption(n2);
  await page.getByRole('button', { name: 'Escalader', exact: true }).click();
  await page.locator('#error-summary').waitFor();
  assert.match(await page.title(), /^Erreur/);
  assert.match(await page.locator('#error-summary').innerText(), /Motif de l'escalade/);
  await check('desk-ticket-errors');

  await page.getByLabel("Motif de l'escalade").fill('Anomalie reproduite : à analyser par l’expertise N2.');
  await page.getByRole('button', { name: 'Escalader', exact: true }).click();
  await page.getByText(`La demande ${reference} a été escaladée`).or(page.getByText('La demande a été escaladée.')).first().waitFor();
  await check('desk-escalated');
});

/** The N1 agent records a call of the demo director; the page is then the new ticket's. */
async function phoneCall(subject) {
  await page.goto(`${env.base}/desk/phone`);
  await page.getByLabel('Qui appelle ?').fill('Claire Dumont');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByRole('link', { name: 'Claire Dumont' }).first().click();
  await page.getByLabel('Objet').fill(subject);
  await page.getByLabel('Description').fill('Les parents reçoivent une erreur à la connexion.');
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await page.waitForURL(/\/desk\/tickets\/\d{4}-\d{6}$/);
}

test('a filtered queue is kept as a saved view, opened from the home page, then deleted', async () => {
  // A new ticket of the N1 group, whatever the demo's queues hold today.
  await phoneCall('Téléphone : messagerie saturée');
  await page.goto(`${env.base}/desk`);
  await page.getByRole('link', { name: /\(DSI-N1\)$/ }).first().click();
  await page.getByLabel('Établissement').fill('123');
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await page.locator('#error-summary').waitFor();
  assert.match(await page.locator('#error-summary').innerText(), /code UAI/);
  assert.equal(await page.locator('#error-summary a[href="#field-filter-establishment"]').count(), 1);
  await check('desk-queue-filter-errors');

  await page.getByLabel('Établissement').fill('');
  const level = page.getByRole('group', { name: 'Niveau', exact: true });
  // A DSFR checkbox is drawn by its label: ticked from the keyboard, as a user would.
  await level.getByLabel('N1', { exact: true }).focus();
  await page.keyboard.press('Space');
  assert.equal(await level.getByLabel('N1', { exact: true }).isChecked(), true);
  await page.getByLabel('Trier par').selectOption('-priority');
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await page.waitForURL(/level=N1/);
  const cells = await page.locator('tbody tr td:nth-child(8)').allInnerTexts();
  assert.ok(cells.length > 0, 'the N1 queue has N1 tickets');
  for (const cell of cells) {
    assert.equal(cell.trim(), 'N1');
  }
  await check('desk-queue-filtered');

  await page.getByLabel('Nom de la vue').fill('Niveau 1 par priorité');
  await page.getByRole('button', { name: 'Enregistrer comme vue' }).click();
  await page.waitForURL(/\/desk\/views\/\d+\?done=saved$/);
  await page.getByText('La vue est enregistrée').waitFor();
  await check('desk-view');
  await page.goto(`${env.base}/desk`);
  await page.getByRole('link', { name: 'Niveau 1 par priorité' }).click();
  await page.waitForURL(/\/desk\/views\/\d+$/);
  assert.equal(await page.locator('h1').innerText(), 'Niveau 1 par priorité');
  await page.getByRole('button', { name: /Supprimer la vue/ }).click();
  await page.getByText('La vue est supprimée.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Niveau 1 par priorité' }).count(), 0);
});

test('the ticket page assigns, pauses and reclassifies, and names a missing choice', async () => {
  await phoneCall('Téléphone : ENT inaccessible aux parents');
  await page.getByRole('button', { name: 'Prendre en charge' }).click();
  await page.getByText('Vous avez pris la demande en charge.').waitFor();
  await check('desk-ticket-forms');

  await page.getByRole('button', { name: 'Affecter', exact: true }).click();
  await page.locator('#error-summary').waitFor();
  assert.match(await page.locator('#error-summary').innerText(), /Collègue/);
  await check('desk-ticket-forms-errors');

  await page.getByLabel('Nouveau statut').selectOption('waiting_third_party');
  await page.getByLabel('Note pour le guichet (facultative)').fill('Ticket ouvert chez le prestataire ENT.');
  await page.getByRole('button', { name: 'Changer le statut' }).click();
  await page.getByText('Le statut a été changé.').waitFor();
  assert.equal(await page.getByText('Ticket ouvert chez le prestataire ENT.').count(), 1);
  await page.getByLabel('Application concernée').selectOption('ENT');
  await page.getByRole('button', { name: "Changer l'application" }).click();
  await page.getByText("L'application a été changée.").waitFor();
  const colleague = page.locator('#field-assign-assignee');
  const someone = await colleague.locator('option').nth(1).getAttribute('value');
  await colleague.selectOption(someone);
  await page.getByRole('button', { name: 'Affecter', exact: true }).click();
  await page.getByText('Le ticket est affecté.').waitFor();
});
