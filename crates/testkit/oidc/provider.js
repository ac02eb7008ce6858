// A real OpenID Connect provider for Guichet's sign-on tests: oidc-provider (npm, a certified
// implementation) on 127.0.0.1 and an ephemeral port, started by crates/testkit/src/oidc.rs
// (`npm ci` in this folder first; .ci/run does it).
//
// Usage: node provider.js <redirect_uri>[,<redirect_uri>…] [client_secret]
// One static client `guichet` for these redirect URIs (authorization code, PKCE required). The login
// page is ours, so that a test can post it with a plain HTTP client: any login with the password
// `secret` signs in, and consent is given at once. Claims: sub and preferred_username are the
// login; email is the login when it has an @, login@ac-test.fr otherwise; name is the login.
// Prints the port once it listens; stops when stdin closes.
import Provider from 'oidc-provider';
import http from 'node:http';

const [redirectUris, clientSecret = 'guichet-test-secret'] = process.argv.slice(2);
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;

const claimsOf = (login) => ({
  sub: login,
  preferred_username: login,
  email: login.includes('@') ? login : `${login}@ac-test.fr`,
  email_verified: true,
  name: login,
});

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'guichet',
    client_secret: clientSecret,
    redirect_uris: redirectUris.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'name'],
    email: ['email', 'email_verified'],
  },
  // The scope's claims go in the ID token itself (Guichet also reads userinfo when they do not).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (ctx, sub) => ({ accountId: sub, claims: async () => claimsOf(sub) }),
  cookies: { keys: ['guichet-test-cookie-key'] },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
});

const page = (uid, error) => `<!doctype html><html lang="en"><head><title>Test provider</title></head>
<body><main><h1>Test provider</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="login">Login</label> <input id="login" name="login" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></main></body></html>`;

const readForm = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => resolve(new URLSearchParams(body)));
  req.on('error', reject);
});

provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!m) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET' && !m[2]) {
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  if (ctx.method !== 'POST' || !m[2]) return next();
  const form = await readForm(ctx.req);
  const login = (form.get('login') || '').trim();
  if (!login || form.get('password') !== 'secret') {
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = page(details.uid, 'Wrong login or password');
    return undefined;
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  const to = await provider.interactionResult(ctx.req, ctx.res, {
    login: { accountId: login },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(to);
  return undefined;
});

server.on('request', provider.callback());
console.log(port);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
