// The booking service for the browser tests (playwright.config.ts starts it):
//
//   node e2e/start-service.mjs <settings file> <service entry point>
//
// The auth service's browser server, started before, has created and migrated the test's database
// and written the settings both services share to <settings file> (DATABASE_URL, JWT_SECRET,
// REDIS_URL): the booking service must see the same users, tokens and rows. They override anything
// of the same name in the environment (a developer's DATABASE_URL would point elsewhere).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [settingsFile, entryPoint] = process.argv.slice(2);
if (!settingsFile || !entryPoint) {
  console.error(
    "usage: node e2e/start-service.mjs <settings file> <service entry point>",
  );
  process.exit(2);
}

let text;
try {
  text = readFileSync(settingsFile, "utf8");
} catch (error) {
  console.error(
    `error: cannot read the auth service's settings ${settingsFile}: ${error.message}; ` +
      "the auth service's browser server writes it (--service-env) once its database is ready",
  );
  process.exit(1);
}
for (const line of text.split("\n")) {
  const at = line.indexOf("=");
  if (at > 0) {
    process.env[line.slice(0, at)] = line.slice(at + 1);
  }
}

const entry = resolve(entryPoint);
try {
  await import(pathToFileURL(entry).href);
} catch (error) {
  console.error(
    `error: cannot start the booking service from ${entry}: ${error.message}; build it first ` +
      "(`pnpm test:browser` does, through turbo)",
  );
  process.exit(1);
}
