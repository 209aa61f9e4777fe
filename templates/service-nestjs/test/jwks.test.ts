/**
 * AuthGuard with JWKS_URL: the tokens of an outside OpenID Connect issuer (Clerk, Auth0, ...),
 * checked against the public keys it publishes. Here the issuer is a local RS256 key served by an
 * HTTP server on 127.0.0.1: no network.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { NestFastifyApplication } from "@nestjs/platform-fastify";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import {
  accessToken,
  createTestDatabase,
  createUser,
  startApp,
  testConfig,
  type TestDatabase,
} from "./testing.js";

const ISSUER = "https://issuer.example.test";
const KEY_ID = "test-key";

let database: TestDatabase;
let app: NestFastifyApplication;
let server: Server;
let privateKey: CryptoKey;
let jwksRequests = 0;

beforeAll(async () => {
  const keys = await generateKeyPair("RS256");
  privateKey = keys.privateKey;
  const jwks = {
    keys: [
      {
        ...(await exportJWK(keys.publicKey)),
        kid: KEY_ID,
        alg: "RS256",
        use: "sig",
      },
    ],
  };
  server = createServer((_request, response) => {
    jwksRequests += 1;
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify(jwks));
  });
  await new Promise<void>((listening) =>
    server.listen(0, "127.0.0.1", listening),
  );
  const { port } = server.address() as AddressInfo;

  database = await createTestDatabase();
  app = await startApp(
    testConfig(database, {
      JWT_SECRET: "",
      JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      JWT_ISSUER: ISSUER,
    }),
  );
});

afterEach(() => database.emptyTables());

afterAll(async () => {
  await app?.close();
  await database?.drop();
  await new Promise((closed) => server?.close(closed));
});

function issued(
  sub: string,
  { issuer = ISSUER, audience = "authenticated" } = {},
): Promise<string> {
  return new SignJWT({ role: "authenticated" })
    .setProtectedHeader({ alg: "RS256", kid: KEY_ID })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(privateKey);
}

const getProfile = (token: string) =>
  app.inject({
    method: "GET",
    url: "/profile",
    headers: { authorization: `Bearer ${token}` },
  });

it("accepts a token of the configured issuer, verified with its published keys", async () => {
  const ada = await createUser(database, "ada@example.com");

  const response = await getProfile(await issued(ada.id));

  expect(response.statusCode).toBe(200);
  expect(response.json()).toMatchObject({ id: ada.id, full_name: "Ada" });
  expect(jwksRequests).toBeGreaterThan(0);
});

it("refuses a token of another issuer, for another audience, or signed with the shared secret", async () => {
  const ada = await createUser(database, "ada@example.com");

  expect(
    (
      await getProfile(
        await issued(ada.id, { issuer: "https://evil.example.test" }),
      )
    ).statusCode,
  ).toBe(401);
  expect(
    (await getProfile(await issued(ada.id, { audience: "somebody-else" })))
      .statusCode,
  ).toBe(401);
  expect((await getProfile(await accessToken(ada.id))).statusCode).toBe(401);
});
