// A real OpenID Connect provider (panva's oidc-provider) on loopback for the
// browser tests: a throwaway "municipality identity provider" with a few fixed
// accounts, open dynamic client registration, its own accessible Swedish pages
// and an in-memory store. Not for production use.
//
//   PORT=5555 node server.js            (issuer http://127.0.0.1:5555)
//   OIDC_ACCOUNTS=/path/accounts.json   (default: accounts.json beside this file)
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors } from 'oidc-provider';

const here = path.dirname(fileURLToPath(import.meta.url));

const PORT = Number.parseInt(process.env.PORT ?? '', 10);
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error('PORT must be set to a TCP port number (1-65535).');
  process.exit(2);
}
const HOST = '127.0.0.1';
const ISSUER = `http://${HOST}:${PORT}`;
const SITE_NAME = 'Testkommunens inloggning';

const { version: PROVIDER_VERSION } = JSON.parse(
  fs.readFileSync(path.join(here, 'node_modules', 'oidc-provider', 'package.json'), 'utf8'),
);

// ---------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------
const accountsFile = process.env.OIDC_ACCOUNTS || path.join(here, 'accounts.json');
const accounts = JSON.parse(fs.readFileSync(accountsFile, 'utf8'));
if (!Array.isArray(accounts) || accounts.some((a) => !a || typeof a.sub !== 'string' || typeof a.email !== 'string' || typeof a.password !== 'string')) {
  console.error(`${accountsFile}: expected a list of {sub, email, email_verified, name, employee_number, password}.`);
  process.exit(2);
}
const accountsBySub = new Map(accounts.map((a) => [a.sub, a]));

function claimsOf(account) {
  return {
    sub: account.sub,
    email: account.email,
    email_verified: account.email_verified === true,
    name: account.name,
    employee_number: account.employee_number,
  };
}

function sameSecret(given, expected) {
  const a = crypto.createHash('sha256').update(String(given)).digest();
  const b = crypto.createHash('sha256').update(String(expected)).digest();
  return crypto.timingSafeEqual(a, b);
}

function accountByLogin(email, password) {
  const wanted = String(email ?? '').trim().toLowerCase();
  if (!wanted) return undefined;
  const account = accounts.find((a) => a.email.toLowerCase() === wanted);
  if (!account || !sameSecret(password ?? '', account.password)) return undefined;
  return account;
}

// ---------------------------------------------------------------------------
// Pages (plain, accessible HTML5 in Swedish)
// ---------------------------------------------------------------------------
function esc(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.5;color:#1a1a1a;background:#f3f3f3}
main{display:block;max-width:32rem;margin:1.5rem auto;padding:1.5rem;background:#fff;border:1px solid #6b6b6b;border-radius:4px}
@media (max-width:34rem){main{margin:0;border-width:0 0 1px 0;border-radius:0;padding:1rem}}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.25rem;margin:1rem 0 .75rem}
p,dl,ul{margin:0 0 1rem}
p,dd,li{overflow-wrap:anywhere}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=email],input[type=password]{display:block;width:100%;max-width:100%;font:inherit;padding:.5rem;margin:0 0 1rem;border:2px solid #1a1a1a;border-radius:0;background:#fff;color:#1a1a1a}
input[aria-invalid=true]{border-color:#a4001d}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;margin:0 .5rem .5rem 0;border:2px solid #1d4f91;border-radius:4px;background:#1d4f91;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1d4f91}
a{color:#1d4f91}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.error-summary{border:3px solid #a4001d;padding:.75rem 1rem;margin:0 0 1.5rem}
.error-summary h2{margin-top:0;color:#1a1a1a}
.error-summary a{color:#a4001d;font-weight:600}
.error-message{color:#a4001d;font-weight:600;margin:0 0 .25rem}
dt{font-weight:600}
dd{margin:0 0 .5rem 0}
`;

function page({ title, body }) {
  return `<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – ${esc(SITE_NAME)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${esc(SITE_NAME)}</h1>
${body}
</main>
</body>
</html>
`;
}

async function clientLabel(clientId) {
  if (!clientId) return '';
  const client = await provider.Client.find(String(clientId)).catch(() => undefined);
  return client ? (client.clientName || client.clientId) : '';
}

async function loginPage({ uid, clientId, email = '', failed = false }) {
  const client = await clientLabel(clientId);
  const action = `/interaction/${encodeURIComponent(uid)}/login`;
  const summary = failed ? `
<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">Det gick inte att logga in</h2>
<ul>
<li><a href="#email">Fel e-postadress eller lösenord.</a></li>
</ul>
</div>` : '';
  const invalid = failed ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  const body = `${summary}
<h2>Logga in</h2>
${client ? `<p>Du loggar in till <strong>${esc(client)}</strong>.</p>` : ''}
<form method="post" action="${esc(action)}" novalidate>
${failed ? '<p class="error-message" id="login-error">Fel e-postadress eller lösenord.</p>' : ''}
<label for="email">E-postadress</label>
<input id="email" name="email" type="email" autocomplete="email" spellcheck="false" autocapitalize="none" required value="${esc(email)}"${invalid}${failed ? '' : ' autofocus'}>
<label for="password">Lösenord</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
<button type="submit">Logga in</button>
</form>
<p><a href="/interaction/${esc(encodeURIComponent(uid))}/abort">Avbryt inloggningen</a></p>`;
  return page({ title: failed ? 'Fel: Logga in' : 'Logga in', body });
}

function errorPage(out) {
  const rows = Object.entries(out || {})
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `<dt>${esc(key)}</dt><dd>${esc(value)}</dd>`)
    .join('\n');
  const body = `<h2>Något gick fel</h2>
<p>Inloggningstjänsten kunde inte slutföra begäran.</p>
${rows ? `<dl>\n${rows}\n</dl>` : ''}`;
  return page({ title: 'Något gick fel', body });
}

async function logoutSource(ctx, form) {
  // `form` is oidc-provider's <form id="op.logoutForm" ...> with its hidden xsrf
  // input; the buttons submit it through their form attribute.
  const accountId = ctx.oidc.session?.accountId;
  const account = accountId ? accountsBySub.get(accountId) : undefined;
  const client = ctx.oidc.client ? (ctx.oidc.client.clientName || ctx.oidc.client.clientId) : '';
  const body = `<h2>Vill du logga ut?</h2>
${account ? `<p>Du är inloggad som <strong>${esc(account.name)}</strong> (${esc(account.email)}).</p>` : ''}
${client ? `<p>Utloggningen begärdes av <strong>${esc(client)}</strong>.</p>` : ''}
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Logga ut</button>
<button type="submit" form="op.logoutForm" class="secondary">Förbli inloggad</button>`;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = page({ title: 'Logga ut', body });
}

async function postLogoutSuccessSource(ctx) {
  const client = ctx.oidc.client ? (ctx.oidc.client.clientName || ctx.oidc.client.clientId) : '';
  const body = `<h2>Du är utloggad</h2>
<p>Du har loggats ut från ${esc(SITE_NAME.toLowerCase())}${client ? ` och från <strong>${esc(client)}</strong>` : ''}.</p>`;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = page({ title: 'Utloggad', body });
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = errorPage(out);
}

// ---------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: crypto.randomBytes(8).toString('hex'),
  alg: 'RS256',
  use: 'sig',
};
const cookieKeys = [crypto.randomBytes(32).toString('base64url')];

const configuration = {
  jwks: { keys: [signingKey] },
  async findAccount(ctx, sub) {
    const account = accountsBySub.get(sub);
    if (!account) return undefined;
    return {
      accountId: account.sub,
      async claims() { return claimsOf(account); },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    employee: ['employee_number'],
  },
  scopes: ['openid', 'email', 'profile', 'employee'],
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true, initialAccessToken: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
  },
  interactions: {
    url(ctx, interaction) { return `/interaction/${interaction.uid}`; },
  },
  // PKCE (S256) is accepted from everyone but only required from public clients.
  pkce: {
    methods: ['S256'],
    required(ctx, client) { return client.clientAuthMethod === 'none'; },
  },
  // Plain http on loopback: no Secure attribute (it would be refused over http),
  // and SameSite=Lax instead of the default None for the session cookie, which
  // Chromium drops without Secure. The names are prefixed so they cannot be
  // confused with the cookies of the app under test, which shares the host
  // 127.0.0.1 (cookies do not tell ports apart).
  cookies: {
    keys: cookieKeys,
    names: {
      session: 'op_session',
      interaction: 'op_interaction',
      resume: 'op_interaction_resume',
    },
    long: { httpOnly: true, sameSite: 'lax', secure: false, signed: true },
    short: { httpOnly: true, sameSite: 'lax', secure: false, signed: true },
  },
  renderError,
};

const provider = new Provider(ISSUER, configuration);
provider.proxy = false;

// ---------------------------------------------------------------------------
// Interaction routes
// ---------------------------------------------------------------------------
function send(res, status, html) {
  res.statusCode = status;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(html);
}

function readForm(req, limit = 64 * 1024) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

async function grantConsent(req, res, details) {
  const { prompt: { details: missing }, params, session: { accountId } } = details;
  let grant;
  if (details.grantId) {
    grant = await provider.Grant.find(details.grantId);
  }
  if (!grant) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  grant.addOIDCScope('openid email profile employee');
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, scope] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, scope.join(' '));
    }
  }
  const grantId = await grant.save();
  const consent = details.grantId ? {} : { grantId };
  return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
}

async function interactions(req, res, url) {
  const match = /^\/interaction\/([^/]+)(?:\/(login|abort))?\/?$/.exec(url.pathname);
  if (!match) return false;
  const [, rawUid, action] = match;
  const uid = decodeURIComponent(rawUid);

  try {
    if (!action && req.method === 'GET') {
      const details = await provider.interactionDetails(req, res);
      switch (details.prompt.name) {
        case 'login':
          send(res, 200, await loginPage({
            uid: details.uid, clientId: details.params.client_id, email: details.params.login_hint || '',
          }));
          return true;
        case 'consent':
          await grantConsent(req, res, details);
          return true;
        default:
          send(res, 400, errorPage({ error: 'unsupported_prompt', error_description: `prompt ${details.prompt.name} stöds inte` }));
          return true;
      }
    }

    if (action === 'login' && req.method === 'POST') {
      const form = await readForm(req);
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name !== 'login') {
        send(res, 400, errorPage({ error: 'invalid_request', error_description: 'ingen inloggning väntar' }));
        return true;
      }
      const account = accountByLogin(form.get('email'), form.get('password'));
      if (!account) {
        send(res, 200, await loginPage({
          uid: details.uid, clientId: details.params.client_id, email: form.get('email') || '', failed: true,
        }));
        return true;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
      return true;
    }

    if (action === 'abort' && req.method === 'GET') {
      await provider.interactionDetails(req, res);
      await provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'End-User aborted interaction',
      }, { mergeWithLastSubmission: false });
      return true;
    }

    send(res, 405, errorPage({ error: 'method_not_allowed', uid }));
    return true;
  } catch (err) {
    if (err instanceof errors.OIDCProviderError) {
      send(res, err.status || 400, errorPage({ error: err.message, error_description: err.error_description }));
    } else {
      console.error(err);
      send(res, err.status || 500, errorPage({ error: 'server_error', error_description: err.message }));
    }
    return true;
  }
}

const callback = provider.callback();

const server = http.createServer((req, res) => {
  const url = new URL(req.url, ISSUER);
  interactions(req, res, url).then((handled) => {
    if (!handled) callback(req, res);
  }, (err) => {
    console.error(err);
    if (!res.headersSent) send(res, 500, errorPage({ error: 'server_error' }));
    else res.end();
  });
});

server.listen(PORT, HOST, () => {
  console.log(`oidc-provider ${PROVIDER_VERSION} (node ${process.version}) listening on ${ISSUER}`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
