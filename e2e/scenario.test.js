// Issue 3's whole scenario in a real browser, one test: the demo director submits an ONDE request
// with an attachment; the N1 agent opens it (and its file), takes it in charge and escalates it to
// the N2 agent's group with a reason; the N2 agent finds it through a filtered queue, takes it,
// replies and resolves it; the director says it is not solved (reopen); the N2 agent resolves it
// again; the director rates it 4/5 with a comment and the rating shows. Screenshots of each step
// go to artifacts/, axe-core runs on the pages met on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { start, signInAs, artifacts, DIRECTOR, AGENT_N1, AGENT_N2 } from './server.js';
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

/** Signs `who` in on a fresh session (one browser, people taking turns). */
const signIn = (who) => signInAs(env, page, who);

async function resolve(reference, solution) {
  await page.goto(`${env.base}/desk/tickets/${reference}`);
  await page.getByLabel('Solution apportée').fill(solution);
  await page.getByRole('button', { name: 'Marquer comme résolue' }).click();
  await page.getByText('La demande est résolue.').waitFor();
}

test('a request goes from the director to N1, N2, back and forth, and is rated', async () => {
  // The director files an ONDE request with a file.
  await signIn(DIRECTOR);
  await page.getByRole('link', { name: 'Faire une nouvelle demande' }).click();
  await page.locator('label[for="application-ONDE"]').click();
  await page.locator('label[for="type-incident"]').click();
  await page.getByLabel('Objet').fill('ONDE : radiation impossible');
  await page.getByLabel('Description').fill('La radiation d\'un élève parti en cours d\'année échoue avec une erreur 500.');
  const file = join(artifacts, 'erreur-radiation.txt');
  writeFileSync(file, 'Erreur 500 à 10 h 04\n');
  await page.getByLabel(/Pièces jointes/).setInputFiles(file);
  await page.getByRole('button', { name: 'Envoyer ma demande' }).click();
  await page.waitForURL(/\/requests\/\d{4}-\d{6}\/submitted$/);
  const reference = (await page.locator('.guichet-reference').innerText()).trim();

  // N1 opens it, downloads the file, takes it and escalates it to the N2 agent's group.
  await signIn(AGENT_N1);
  await page.goto(`${env.base}/desk/tickets/${reference}`);
  const link = page.getByRole('link', { name: /erreur-radiation\.txt/ });
  const download = await page.request.get(new URL(await link.getAttribute('href'), env.base).href);
  assert.equal(download.status(), 200);
  assert.equal(await download.text(), 'Erreur 500 à 10 h 04\n');
  await page.getByRole('button', { name: 'Prendre en charge' }).click();
  await page.getByText('Vous avez pris la demande en charge.').waitFor();
  await check('scenario-n1-ticket');
  const group = page.getByLabel('Groupe de niveau supérieur');
  const lsun = await group.locator('option', { hasText: 'DSI-N2-LSUN' }).getAttribute('value');
  await group.selectOption(lsun);
  await page.getByLabel("Motif de l'escalade").fill('Erreur reproduite : à analyser par l’expertise.');
  await page.getByRole('button', { name: 'Escalader', exact: true }).click();
  await page.getByText(`La demande ${reference} a été escaladée`).waitFor();

  // N2 finds it in their group's queue filtered on ONDE, takes it, replies and resolves it.
  await signIn(AGENT_N2);
  await page.goto(`${env.base}/desk`);
  await page.getByRole('link', { name: /DSI-N2-LSUN/ }).first().click();
  // The application filter is a group of checkboxes (several may be ticked): ONDE, at the keyboard.
  const onde = page.getByRole('group', { name: 'Application', exact: true }).getByLabel(/^ONDE —/);
  await onde.focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: 'Appliquer les filtres' }).click();
  await page.waitForURL(/application=ONDE/);
  await check('scenario-n2-queue-filtered');
  await page.getByRole('link', { name: reference }).click();
  await page.getByRole('button', { name: 'Prendre en charge' }).click();
  await page.getByText('Vous avez pris la demande en charge.').waitFor();
  await page.getByLabel('Message', { exact: true }).fill('Bonjour, le correctif est appliqué : pouvez-vous réessayer ?');
  await page.getByRole('button', { name: 'Envoyer la réponse au demandeur' }).click();
  await page.getByText('Votre réponse a été envoyée au demandeur.').waitFor();
  await resolve(reference, 'Correctif appliqué sur la base élèves.');
  await check('scenario-n2-resolved');

  // The director says it is not solved: the request is reopened.
  await signIn(DIRECTOR);
  await page.goto(`${env.base}/requests/${reference}`);
  assert.equal(await page.getByText('le correctif est appliqué').count(), 1, 'the reply is public');
  await page.getByLabel("Ce qui n'est pas résolu").fill('La radiation échoue toujours pour les élèves de CM2.');
  await page.getByRole('button', { name: "Non, ce n'est pas résolu" }).click();
  await page.getByText('Votre demande a été rouverte.').waitFor();
  await check('scenario-reopened');

  // N2 resolves it again.
  await signIn(AGENT_N2);
  await resolve(reference, 'Correctif étendu aux classes de CM2.');

  // The director rates it, and the rating shows.
  await signIn(DIRECTOR);
  await page.goto(`${env.base}/requests/${reference}`);
  await page.locator('label[for="score-4"]').click();
  await page.getByLabel('Commentaire (facultatif)').fill('Réactif, merci.');
  await page.getByRole('button', { name: 'Envoyer mon avis' }).click();
  await page.getByText('Merci, votre avis (4/5) est enregistré.').waitFor();
  assert.equal(await page.getByText('Réactif, merci.').count(), 1, 'the comment is on the timeline');
  await check('scenario-rated');
});
