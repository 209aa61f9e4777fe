/**
 * Who is calling: `@UseGuards(AuthGuard)` on a controller or handler makes it answer 401 (with
 * `WWW-Authenticate: Bearer`) without a valid `Authorization: Bearer <access token>`, and
 * `@CurrentClaims()` in a handler's parameters gives the verified claims to pass on to
 * `Database.asUser`.
 */
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from "@nestjs/common";
import type { FastifyRequest } from "fastify";
import type { AccessClaims } from "./claims.js";
import { InvalidTokenError, TokenVerifier } from "./token-verifier.js";

type AuthenticatedRequest = FastifyRequest & { claims?: AccessClaims };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? "").split(" ");
    if (scheme?.toLowerCase() !== "bearer" || !token) {
      throw new UnauthorizedException("Not authenticated");
    }
    try {
      request.claims = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw new UnauthorizedException("Invalid or expired token");
      }
      throw error;
    }
    return true;
  }
}

/** The verified claims of the request's access token (the handler must be behind AuthGuard). */
export const CurrentClaims = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccessClaims => {
    const claims = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest>().claims;
    if (claims === undefined) {
      throw new Error(
        "@CurrentClaims() needs @UseGuards(AuthGuard) on the handler or its controller",
      );
    }
    return claims;
  },
);
