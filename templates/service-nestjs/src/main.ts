/**
 * The process entry point: settings from the environment, the app, the Swagger UI at /docs.
 * `pnpm dev` and `pnpm start` read the workspace's .env first; variables already set win over it.
 */
import { SwaggerModule } from "@nestjs/swagger";
import { createApp, openApiDocument } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  SwaggerModule.setup("docs", app, () => openApiDocument(app), {
    jsonDocumentUrl: "openapi.json",
  });
  await app.listen(config.port, config.host);
}

main().catch((error: unknown) => {
  // A bad environment is the operator's to fix: one line, no stack.
  console.error(
    error instanceof ConfigError ? `error: ${error.message}` : error,
  );
  process.exit(1);
});
