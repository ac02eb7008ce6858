// An absence in a real browser: the N1 agent records a phone call and takes the ticket, then declares an absence with the
// N2 agent as delegate (the administrator first made them a member of the N1 group through the
// API, as a backup); the delegate signs in, sees the absent agent's ticket in "assigned to me",
// marked as a stand-in, and resolves it. axe-core runs on the absence page and the delegate's
// queue; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, signInAs, artifacts, ADMIN, AGENT_N1, AGENT_N2 } from './server.js';
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

/** The administrator's API, with a token made by `guichet token create`. */
async function api(token, method, path, body) {
  const r = await fetch(`${env.base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!r.ok) assert.fail(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

function day(offset) {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

test('the delegate of an absent agent sees and resolves their ticket', async () => {
  const token = env.cli(['token', 'create', '--user', ADMIN.email]).trim();
  const groups = await api(token, 'GET', '/groups');
  const n1 = groups.find((g) => g.code === 'DSI-N1');
  const people = await api(token, 'GET', `/persons?q=${encodeURIComponent('Nadia Chevalier')}`);
  const delegate = people.items.find((p) => p.email === AGENT_N2.email);
  await api(token, 'POST', `/groups/${n1.id}/members`, { person_id: delegate.id });

  // The N1 agent takes an unassigned ticket, then declares their absence.
  await signIn(AGENT_N1);
  await page.goto(`${env.base}/desk/phone`);
  await page.getByLabel('Qui appelle ?').fill('Claire Dumont');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByRole('link', { name: 'Claire Dumont' }).first().click();
  await page.getByLabel('Objet').fill('Téléphone : imprimante de la direction hors service');
  await page.getByLabel('Description').fill("L'imprimante affiche une erreur de bourrage permanente.");
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await page.waitForURL(/\/desk\/tickets\/\d{4}-\d{6}$/);
  const reference = page.url().split('/').pop();
  await page.getByRole('button', { name: 'Prendre en charge' }).click();
  await page.getByText('Vous avez pris la demande en charge.').waitFor();
  await page.goto(`${env.base}/desk/absence`);
  await page.getByLabel("Premier jour d'absence").fill(day(0));
  await page.getByLabel('Jour du retour').fill(day(3));
  await page.getByLabel('Remplaçant·e').selectOption({ label: 'Nadia Chevalier' });
  await page.getByRole('button', { name: "Déclarer l'absence" }).click();
  await page.getByText("L'absence est déclarée").waitFor();
  await check('desk-absence');

  // The delegate sees it among their own tickets, marked, and resolves it.
  await signIn(AGENT_N2);
  await page.goto(`${env.base}/desk`);
  await page.getByText('Vous remplacez des collègues absents').waitFor();
  assert.equal(await page.getByText('Sophie Garnier').count(), 1);
  await page.getByRole('link', { name: 'Mes demandes (y compris mes remplacements)' }).click();
  const row = page.locator('tr', { hasText: reference });
  assert.equal(await row.count(), 1, 'the absent agent\'s ticket is in "assigned to me"');
  assert.match(await row.innerText(), /Sophie Garnier \(remplacement\)/);
  await check('desk-queue-mine-delegated');
  await row.getByRole('link', { name: reference }).click();
  await page.getByLabel('Solution apportée').fill('Traité pendant l’absence de Sophie Garnier.');
  await page.getByRole('button', { name: 'Marquer comme résolue' }).click();
  await page.getByText('La demande est résolue.').waitFor();
});
