import { type DynamicModule, Module } from "@nestjs/common";
import { AuthModule } from "./auth/auth.module.js";
import { CONFIG, type Config } from "./config.js";
import { DatabaseModule } from "./db/database.module.js";
import { HealthController } from "./health/health.controller.js";
import { ProfileModule } from "./profile/profile.module.js";

@Module({})
export class AppModule {
  /** The application with `config`: given, never read from the environment here (tests pass their own). */
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [DatabaseModule, AuthModule, ProfileModule],
      controllers: [HealthController],
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }
}
