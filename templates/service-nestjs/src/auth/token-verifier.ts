/**
 * Verifies access tokens, in one of two ways set by the environment (config.ts):
 *
 * - JWT_SECRET (the default): the workspace's own tokens, signed by its auth service with the shared
 *   secret (HS256 unless JWT_ALGORITHM says otherwise). `sub` must be a user id (a UUID) and `role`
 *   `authenticated`: an `anon` token (Supabase's public API key is one) names no user.
 * - JWKS_URL: the tokens of an outside OpenID Connect issuer (Clerk, Auth0, Supabase Auth with
 *   asymmetric keys), checked against the public keys it publishes, its issuer (JWT_ISSUER) and the
 *   audience. `role`, when present, must be `authenticated`.
 *
 * Either way `exp` and the audience (JWT_AUDIENCE, default `authenticated`) are checked, and the
 * accepted algorithms are fixed here, never taken from the token's header.
 */
import { Inject, Injectable } from "@nestjs/common";
import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { CONFIG, type Config } from "../config.js";
import { AccessClaims, AUTHENTICATED } from "./claims.js";

export class InvalidTokenError extends Error {
  override name = "InvalidTokenError";
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// What an OIDC issuer signs with; HMAC is excluded, a public key set cannot verify it.
const ASYMMETRIC = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

@Injectable()
export class TokenVerifier {
  private readonly verifyJwt: (token: string) => Promise<JWTPayload>;
  // The workspace's own tokens: their `sub` is a user id and their `role` is always present.
  private readonly ownTokens: boolean;

  constructor(@Inject(CONFIG) config: Config) {
    const jwt = config.jwt;
    const required = ["exp", "iat", "sub", "aud"];
    if (jwt.kind === "secret") {
      const key = new TextEncoder().encode(jwt.secret);
      const options = {
        algorithms: [jwt.algorithm],
        audience: jwt.audience,
        requiredClaims: required,
        ...(jwt.issuer !== undefined && { issuer: jwt.issuer }),
      };
      this.verifyJwt = async (token) =>
        (await jwtVerify(token, key, options)).payload;
    } else {
      // Fetched on first use, cached, refetched when a token names an unknown key (key rotation).
      const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(jwt.jwksUrl));
      const options = {
        algorithms: ASYMMETRIC,
        audience: jwt.audience,
        issuer: jwt.issuer,
        requiredClaims: required,
      };
      this.verifyJwt = async (token) =>
        (await jwtVerify(token, keys, options)).payload;
    }
    this.ownTokens = jwt.kind === "secret";
  }

  /** The claims of a valid token of a signed-in user; InvalidTokenError for any other token. */
  async verify(token: string): Promise<AccessClaims> {
    let payload: JWTPayload;
    try {
      payload = await this.verifyJwt(token);
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        throw new InvalidTokenError(error.code);
      }
      throw error;
    }
    const claims = AccessClaims.safeParse(payload);
    if (!claims.success) {
      throw new InvalidTokenError(
        `malformed claims: ${claims.error.issues.length} error(s)`,
      );
    }
    const { sub, role } = claims.data;
    if (this.ownTokens && (role !== AUTHENTICATED || !UUID.test(sub))) {
      throw new InvalidTokenError("not a signed-in user of this workspace");
    }
    if (!this.ownTokens && role !== undefined && role !== AUTHENTICATED) {
      throw new InvalidTokenError(`role ${role} is not a signed-in user`);
    }
    return claims.data;
  }
}
