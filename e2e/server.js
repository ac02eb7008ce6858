// Starts `guichet serve` on a free loopback port over a fresh SQLite database loaded with the
// demo (200 tickets), and Debian's chromium with a fresh profile. Used by every test file.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, statSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** The demo accounts (crates/demo/src/people.rs). */
export const DIRECTOR = { email: 'directrice.demo@ac-dijon.fr', password: 'demo-guichet' };
/** The demo's N1 agent (DSI assistance). */
export const AGENT_N1 = { email: 'agent.n1.demo@ac-dijon.fr', password: 'demo-guichet' };
/** The demo's N2 agent (DSI, expertise LSUN). */
export const AGENT_N2 = { email: 'agent.n2.demo@ac-dijon.fr', password: 'demo-guichet' };
/** The demo's administrator. */
export const ADMIN = { email: 'admin.demo@ac-dijon.fr', password: 'demo-guichet' };

/** The guichet binary: $GUICHET_BIN, else the newest of target/{debug,release}/guichet. */
function binary() {
  if (process.env.GUICHET_BIN) return process.env.GUICHET_BIN;
  const found = ['debug', 'release']
    .map((p) => join(here, '..', 'target', p, 'guichet'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) throw new Error('build guichet first: cargo build -p guichet');
  return found[0];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url, child, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`guichet exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/** Starts the server (with `extraEnv`, e.g. a theme) and the browser; `stop()` ends both and
 * removes their files. */
export async function start(extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-e2e-'));
  const env = {
    ...process.env,
    GUICHET_DATABASE_URL: `sqlite://${join(dir, 'guichet.db')}`,
    GUICHET_LOG: 'warn',
    ...extraEnv,
  };
  const bin = binary();
  execFileSync(bin, ['demo', '--tickets', '200'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  // E2E_PORT: a port chosen beforehand (sso.test.js registers it at its provider first).
  const port = extraEnv.E2E_PORT ? Number(extraEnv.E2E_PORT) : await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(`${base}/healthz`, server);
  const profile = join(dir, 'chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    locale: 'fr-FR',
    viewport: { width: 1280, height: 900 },
  });
  return {
    base,
    context,
    /** Runs a `guichet` command on the same database; returns its standard output. */
    cli: (args) => execFileSync(bin, args, { env, encoding: 'utf8' }),
    async stop() {
      await context.close();
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs `who` in through the French sign-in form on a fresh session (one browser, people taking
 * turns) and waits for the home page. */
export async function signInAs(env, page, who) {
  await env.context.clearCookies();
  await page.goto(`${env.base}/sign-in`);
  await page.getByLabel('Adresse électronique').fill(who.email);
  await page.getByLabel('Mot de passe').fill(who.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${env.base}/`);
}
