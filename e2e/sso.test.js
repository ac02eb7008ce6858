// Single sign-on in a browser: the sign-in page lists the providers (axe-clean), and a director
// signs in through a real OpenID Connect provider (crates/testkit/oidc/provider.js, oidc-provider
// from npm) and lands back in Guichet, signed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { start, freePort, DIRECTOR } from './server.js';
import { checkPage } from './axe.js';

const here = dirname(fileURLToPath(import.meta.url));
let env;
let page;
let provider;
let dir;

/** Starts the test provider for `redirectUri`; resolves with its issuer. */
function startProvider(redirectUri) {
  provider = spawn('node', ['provider.js', redirectUri], {
    cwd: join(here, '..', 'crates', 'testkit', 'oidc'),
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    provider.once('exit', (code) => reject(new Error(`the test provider exited with ${code}`)));
    createInterface({ input: provider.stdout }).once('line', (line) => resolve(`http://127.0.0.1:${line.trim()}`));
  });
}

before(async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const issuer = await startProvider(`${base}/sso/oidc/federation/callback`);
  dir = mkdtempSync(join(tmpdir(), 'guichet-e2e-sso-'));
  const config = join(dir, 'guichet.toml');
  writeFileSync(config, `[sso]
public_url = "${base}"

[[sso.cas]]
id = "ent"
label = "ENT de l'académie"
url = "http://127.0.0.1:9/cas"

[[sso.oidc]]
id = "federation"
label = "Fédération d'identité"
issuer = "${issuer}"
client_id = "guichet"
client_secret = "guichet-test-secret"
match_by = "email"
`);
  env = await start({ GUICHET_CONFIG: config, E2E_PORT: String(port) });
  page = await env.context.newPage();
});

after(async () => {
  await env?.stop();
  provider?.stdin.end();
  provider?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the sign-in page lists the providers and a director signs in through one', async () => {
  await page.goto(`${env.base}/sign-in`);
  const federation = page.getByRole('link', { name: "Fédération d'identité" });
  assert.equal(await federation.count(), 1);
  assert.equal(await page.getByRole('link', { name: "ENT de l'académie" }).count(), 1);
  // Local accounts remain.
  assert.equal(await page.getByLabel('Mot de passe').count(), 1);
  await checkPage(page, 'sso-sign-in');

  await federation.click();
  await page.getByLabel('Login').fill(DIRECTOR.email);
  await page.getByLabel('Password').fill('secret');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${env.base}/`);
  const cookies = await env.context.cookies(env.base);
  assert.ok(cookies.some((c) => c.name === 'guichet_session'), 'a session cookie');
  assert.ok(!cookies.some((c) => c.name === 'guichet_oidc'), 'the flow cookie is gone');
  await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
});
