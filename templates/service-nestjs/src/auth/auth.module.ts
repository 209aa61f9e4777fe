import { Global, Module } from "@nestjs/common";
import { AuthGuard } from "./auth.guard.js";
import { TokenVerifier } from "./token-verifier.js";

/** AuthGuard and the TokenVerifier behind it, for every module. */
@Global()
@Module({
  providers: [TokenVerifier, AuthGuard],
  exports: [TokenVerifier, AuthGuard],
})
export class AuthModule {}
