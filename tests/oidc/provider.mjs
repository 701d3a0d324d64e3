// A real OpenID provider for the tests: the npm package oidc-provider (certified), run under Node.
//
// Started by tests/oidc/fixtures.py: `node tests/oidc/provider.mjs`; it listens on a free port of
// 127.0.0.1 and prints one JSON line {"issuer": ...} once it answers. Its signing key is made at
// start (never committed). Test users sign in through the package's own development pages (a
// login form taking any password, then a consent form), with their ID number as login.
//
// The tests steer it through /_test/ (never part of an identity provider's API):
//   POST /_test/setup   {"clients": [...], "users": {...}, "authMethods": [...]}
//                       the clients and users it knows, how clients may authenticate
//   POST /_test/rotate                                       a new signing key; the old one is gone
//   POST /_test/mode    {"mode": "...", "delay": seconds}    how it answers the next token requests
// Each answers {"kid", "mode", "tokenAuth"}: the signing key, the mode, and how the last token
// request carried the client's secret ("basic": an Authorization header; "form": the body).
// Modes: "normal"; "wrong-audience", "expired", "wrong-issuer", "wrong-nonce": the ID token says
// so, signed with the provider's real key; "bad-signature": signed by a key it never published;
// "slow": every answer waits `delay` seconds; "token-down": the token endpoint answers 503 (a
// gateway in front of it failing); "no-id-number": the users' ID number claim is left
// out of everything it issues; "claims-in-userinfo": the claims are only given at userinfo.
import http from 'node:http';
import crypto from 'node:crypto';

import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const state = {
  clients: [],
  authMethods: ['client_secret_basic', 'client_secret_post'],
  users: {},
  keys: [],
  mode: 'normal',
  delay: 0,
};
let provider;
let handler;
let issuer;

async function newKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
}

async function privateKeyOf(jwk) {
  const { importJWK } = await import('jose');
  return importJWK(jwk, 'RS256');
}

function claimsOf(sub) {
  const user = state.users[sub];
  if (!user) return undefined;
  const claims = { sub, ...user };
  if (state.mode === 'no-id-number') delete claims.citizen_id;
  return claims;
}

const page = (title, body) => `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>${title}</title></head><body>${body}</body></html>`;

async function resign(idToken) {
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = await privateKeyOf(state.keys[0]);
  switch (state.mode) {
    case 'wrong-audience': claims.aud = 'mot-ung-dung-khac'; break;
    case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
    case 'wrong-issuer': claims.iss = 'https://gia-mao.example'; break;
    case 'wrong-nonce': claims.nonce = 'khong-phai-nonce-nay'; break;
    case 'bad-signature': key = await privateKeyOf(await newKey()); break;
    default: return idToken;
  }
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid }).sign(key);
}

function build() {
  const built = new Provider(issuer, {
    clients: state.clients,
    clientAuthMethods: state.authMethods,
    jwks: { keys: state.keys },
    findAccount: async (ctx, sub) => {
      if (!state.users[sub]) return undefined;
      return { accountId: sub, claims: async () => claimsOf(sub) };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'birthdate', 'gender', 'citizen_id', 'loa'],
      phone: ['phone_number', 'phone_number_verified'],
    },
    // The scope's claims in the ID token itself, as identity providers for government do; in
    // "claims-in-userinfo" mode only at the userinfo endpoint (the ID token has sub and the like).
    conformIdTokenClaims: state.mode === 'claims-in-userinfo',
    pkce: { required: () => true },
    cookies: { keys: ['khoa-cookie-chi-de-thu'] },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Đăng xuất', `<h1>Đăng xuất khỏi nhà cung cấp định danh?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Đăng xuất</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Đã đăng xuất', '<h1>Đã đăng xuất khỏi nhà cung cấp định danh</h1>');
        },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Lỗi', `<h1>Lỗi</h1><pre>${JSON.stringify(out).replace(/</g, '&lt;')}</pre>`);
    },
  });
  built.use(async (ctx, next) => {
    if (state.mode === 'slow') await new Promise((done) => { setTimeout(done, state.delay * 1000); });
    if (state.mode === 'token-down' && ctx.path === '/token') {
      ctx.status = 503;
      ctx.type = 'html';
      ctx.body = '<h1>503 Service Temporarily Unavailable</h1>';
      return;
    }
    if (ctx.path === '/token') state.tokenAuth = ctx.get('authorization') ? 'basic' : 'form';
    await next();
    if (ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token) };
    }
  });
  provider = built;
  handler = built.callback();
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk) => { text += chunk; });
    req.on('end', () => { try { resolve(text ? JSON.parse(text) : {}); } catch (e) { reject(e); } });
  });
}

async function control(req, res) {
  const body = await readJson(req);
  const path = req.url.split('?')[0];
  if (path === '/_test/setup') {
    state.clients = body.clients ?? state.clients;
    state.users = body.users ?? state.users;
    state.authMethods = body.authMethods ?? ['client_secret_basic', 'client_secret_post'];
    state.mode = 'normal';
    build();
  } else if (path === '/_test/rotate') {
    state.keys = [await newKey()];
    build();
  } else if (path === '/_test/mode') {
    const configured = [state.mode, body.mode].includes('claims-in-userinfo');
    state.mode = body.mode ?? 'normal';
    state.delay = body.delay ?? 0;
    // Only this mode is configuration: a rebuilt provider does not redeem the codes issued before.
    if (configured) build();
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kid: state.keys[0].kid, mode: state.mode, tokenAuth: state.tokenAuth }));
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/_test/')) {
    control(req, res).catch((error) => { res.writeHead(500).end(String(error)); });
    return;
  }
  handler(req, res);
});

state.keys = [await newKey()];
server.listen(0, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  build();
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
process.on('SIGTERM', () => { server.close(); process.exit(0); });
