/**
 * Prints this service's OpenAPI document as JSON, keys sorted, for the typed API clients:
 *
 *     pnpm --silent run openapi > openapi.json
 *
 * Needs no environment (no database, no secret): the app is built with placeholder settings and
 * never started, so nothing connects.
 */
import { createApp, openApiDocument } from "./app.js";
import { loadConfig } from "./config.js";

const placeholders = {
  DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
  JWT_SECRET: "x".repeat(32),
};

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sorted);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

const app = await createApp(loadConfig(placeholders), { logger: false });
process.stdout.write(
  `${JSON.stringify(sorted(openApiDocument(app)), null, 2)}\n`,
);
await app.close();
