// A real OpenID Connect provider (panva's certified oidc-provider) for Relais's sign-in tests.
//
// Started once per test session by tests/sso/conftest.py: `node server.mjs` with PORT set.
// Clients register themselves through Dynamic Client Registration (each test knows its own
// redirect URIs); the people who may sign in are posted to /test/accounts. The sign-in page is
// a plain form (an account id, "Se connecter" or "Refuser"), so that a test with an HTTP
// client and a journey in Chromium can both walk it. Consent is given on the person's behalf,
// as ProConnect does for the services it federates.
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const accounts = new Map();

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'relais-test', use: 'sig', alg: 'RS256' };

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${escape(title)}</title></head>`
    + `<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

const configuration = {
  jwks: { keys: [signingKey] },
  cookies: { keys: ['relais-test-cookie-key'] },
  // ProConnect's scopes, one claim each; `etablissement` stands for an académie's directory attribute.
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    uid: ['uid'],
    siret: ['siret'],
    etablissement: ['rne'],
  },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page(
          'Se déconnecter du fournisseur d’identité ?',
          `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Oui, me déconnecter</button>`,
        );
      },
    },
  },
  async findAccount(ctx, sub) {
    const claims = accounts.get(sub);
    if (!claims) return undefined;
    return { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // A login that lasts: the second sign-in in the same browser goes straight through.
  ttl: { Session: 3600, Interaction: 600, Grant: 3600 },
};

const provider = new Provider(issuer, configuration);
const providerCallback = provider.callback();

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] || '').startsWith('application/json')) return JSON.parse(text || '{}');
  return Object.fromEntries(new URLSearchParams(text));
}

async function grantFor(details, accountId) {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  return grant.save();
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'La personne a refusé de se connecter.',
    }, { mergeWithLastSubmission: false });
  }
  if (action === 'login' && req.method === 'POST') {
    const { login } = await readForm(req);
    if (!accounts.has(login)) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page('Compte inconnu', `<p>${escape(login)}</p>`));
    }
    const grantId = await grantFor(details, login);
    return provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, {
      mergeWithLastSubmission: false,
    });
  }
  if (details.prompt.name === 'consent') {
    const grantId = await grantFor(details, details.session.accountId);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  return res.end(page('Fournisseur d’identité de test', `
    <form method="post" action="/interaction/${escape(uid)}/login">
      <label for="login">Identifiant</label>
      <input id="login" name="login" autocomplete="username" required autofocus>
      <button type="submit">Se connecter</button>
    </form>
    <form method="post" action="/interaction/${escape(uid)}/abort">
      <button type="submit">Refuser</button>
    </form>`));
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/test/accounts' && req.method === 'POST') {
      for (const [sub, claims] of Object.entries(await readForm(req))) accounts.set(sub, claims);
      res.writeHead(204);
      return res.end();
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
    if (match) return await interaction(req, res, match[1], match[2]);
    return providerCallback(req, res);
  } catch (error) {
    console.error(error);
    res.writeHead(500, { 'content-type': 'text/plain' });
    return res.end(String(error));
  }
});

server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
