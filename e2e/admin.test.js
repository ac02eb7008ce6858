// The administration pages in a real browser: the demo administrator signs in, reaches the
// administration from the header, visits each page kind (sections, desks, groups, a group,
// applications, an application, users, a person, jobs), creates a group and adds an agent to
// it, adds an application with keywords, renames and describes the group then deactivates it,
// renames a desk, all typed at the keyboard and sent with Enter (refused first where a field
// is left empty, the error summary naming the field); axe-core checks the sign-in page and
// every administration page kind; screenshots go to artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, artifacts, AGENT_N1 } from './server.js';
import { checkPage } from './axe.js';

/** The demo administrator (crates/demo/src/people.rs). */
const ADMIN = { email: 'admin.demo@ac-dijon.fr', password: 'demo-guichet' };

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

/** Types into the field labelled `label`, from the keyboard. */
async function type(label, text) {
  await page.getByLabel(label).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Chooses the first real option of the select labelled `label` (arrow key from the blank). */
async function chooseFirst(label) {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.locator('option').nth(1).getAttribute('value');
  await select.focus();
  await select.selectOption(value);
  return value;
}

test('the administrator signs in and reaches the administration from the header', async () => {
  await page.goto(`${env.base}/sign-in`);
  await check('admin-sign-in');
  await page.getByLabel('Adresse électronique').fill(ADMIN.email);
  await page.getByLabel('Mot de passe').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${env.base}/`);
  await page.getByRole('link', { name: 'Administration', exact: true }).first().click();
  await page.waitForURL(`${env.base}/admin`);
  assert.equal(await page.locator('h1').innerText(), 'Administration');
  await check('admin-index');
});

test('the desks page lists the demo desks and their groups', async () => {
  await page.getByRole('link', { name: 'Guichets' }).click();
  await page.waitForURL(`${env.base}/admin/desks`);
  assert.ok((await page.locator('tbody tr').count()) >= 2);
  await check('admin-desks');
});

let groupUrl;

test('a group is refused without a code, then created from the keyboard', async () => {
  await page.goto(`${env.base}/admin/groups`);
  await check('admin-groups');
  await chooseFirst('Guichet du groupe');
  await page.getByLabel("Niveau d'assistance").selectOption('N2');
  await page.getByLabel('Expertise', { exact: true }).selectOption('technical');
  await type('Nom du groupe', 'Expertise ENT (essai)');
  await page.keyboard.press('Enter');
  await page.locator('#error-summary').waitFor();
  assert.match(await page.title(), /^Erreur/);
  assert.match(await page.locator('#error-summary').innerText(), /Code du groupe/);
  await check('admin-groups-errors');

  assert.equal(await page.getByLabel('Nom du groupe').inputValue(), 'Expertise ENT (essai)');
  await type('Code du groupe', 'E2E-N2-ENT');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/groups\/\d+\?done=created$/);
  groupUrl = page.url().split('?')[0];
  await page.getByText('Le groupe est créé').waitFor();
});

test('an agent is added to the new group by email', async () => {
  await type("Adresse électronique de l'agent", AGENT_N1.email);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?done=added$/);
  await page.getByText("L'agent est ajouté au groupe.").waitFor();
  assert.equal(await page.getByRole('button', { name: /^Retirer / }).count(), 1);
  await check('admin-group');
});

test('an application is added with its email keywords, then opened', async () => {
  await page.goto(`${env.base}/admin/applications`);
  await check('admin-applications');
  await type("Code de l'application", 'E2E-LIVRET');
  await type("Nom de l'application", 'Livret (essai)');
  await type('Mots-clés (facultatif)', 'LSU, LSUN, Livret');
  await page.getByLabel("Nom de l'application").focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/applications\?done=created$/);
  const row = page.locator('tr', { hasText: 'E2E-LIVRET' });
  assert.match(await row.innerText(), /LSU, LSUN, LIVRET/);
  await row.getByRole('link', { name: 'E2E-LIVRET' }).click();
  await page.waitForURL(/\/admin\/applications\/\d+$/);
  await check('admin-application');
});

test('the users page finds the N1 agent, whose page shows the new group', async () => {
  await page.goto(`${env.base}/admin/users`);
  await type('Nom ou adresse électronique', 'agent.n1.demo');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/users\?q=/);
  await check('admin-users');
  await page.locator('tbody a').first().click();
  await page.waitForURL(/\/admin\/users\/\d+$/);
  assert.match(await page.locator('main').innerText(), /Expertise ENT \(essai\)/);
  await check('admin-user');
  await page.goto(groupUrl);
});

test('the jobs page shows the dead jobs, then the failing ones', async () => {
  await page.goto(`${env.base}/admin/jobs`);
  assert.equal(await page.locator('h1').innerText(), 'Tâches en échec');
  await check('admin-jobs');
  await page.getByRole('link', { name: /En échec/ }).click();
  await page.waitForURL(/state=failed$/);
  await check('admin-jobs-failed');
});

test('the new group is renamed and described from the keyboard, an empty name refused first', async () => {
  await page.goto(groupUrl);
  await page.getByLabel('Nom du groupe').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Enter');
  await page.locator('#error-summary').waitFor();
  assert.match(await page.locator('#error-summary').innerText(), /Nom du groupe/);
  await check('admin-group-errors');

  await type('Ce que traite le groupe (facultatif)', "Les questions sur l'ENT.");
  await type('Nom du groupe', 'Expertise ENT (renommé)');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?done=updated$/);
  await page.getByText('Le groupe est enregistré.').waitFor();
  assert.equal(await page.locator('h1').innerText(), 'Groupe Expertise ENT (renommé)');
  assert.equal(
    await page.getByLabel('Ce que traite le groupe (facultatif)').inputValue(),
    "Les questions sur l'ENT.",
  );
});

test('the empty group is deactivated with the space bar, then listed as deactivated', async () => {
  const active = page.getByLabel('Groupe actif');
  assert.equal(await active.isChecked(), true);
  await active.focus();
  await page.keyboard.press('Space');
  assert.equal(await active.isChecked(), false);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?done=updated$/);
  assert.equal(await page.getByLabel('Groupe actif').isChecked(), false);
  assert.match(await page.locator('dl').innerText(), /Désactivé/);
  await check('admin-group-inactive');
  await page.goto(`${env.base}/admin/groups`);
  const row = page.locator('tr', { hasText: 'E2E-N2-ENT' });
  assert.match(await row.innerText(), /Désactivé/);
});

test('a desk is renamed from the keyboard', async () => {
  await page.goto(`${env.base}/admin/desks`);
  const link = page.getByRole('link', { name: /^Renommer / }).first();
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/desks\/\d+$/);
  await check('admin-desk');
  const before = await page.getByLabel('Nom du guichet').inputValue();
  await type('Nom du guichet', `${before} (renommé)`);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/desks\?done=updated$/);
  await page.getByText('Le guichet est renommé.').waitFor();
  assert.ok(await page.getByRole('cell', { name: `${before} (renommé)` }).count());
});
