// The agent workspace in a real browser: the demo's N1 agent signs in, opens the unassigned
// queue of their group, opens a ticket, takes it and escalates it to N2 (first without a
// reason, which the form names); axe-core checks the desk home, a queue page and the agent
// ticket page; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { start, artifacts, AGENT_N1 } from './server.js';
import { seriousViolations } from './axe.js';

let env;
let page;

before(async () => {
  env = await start();
  page = await env.context.newPage();
});

after(async () => {
  await env?.stop();
});

async function check(name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `${name}: axe found serious or critical violations`);
}

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
