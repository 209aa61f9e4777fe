// `pnpm test:browser`: the Playwright tests of this app, against the real auth service and
// `next start` (build first: `pnpm build`). Picks two free ports for them, then runs Playwright
// with any arguments given (`pnpm test:browser --headed`, `-g "sign-out"`).
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const env = { ...process.env };
env.E2E_API_PORT ??= String(await freePort());
env.E2E_WEB_PORT ??= String(await freePort());
const result = spawnSync("playwright", ["test", ...process.argv.slice(2)], {
  stdio: "inherit",
  env,
  shell: false,
});
if (result.error) {
  console.error(
    `error: cannot run playwright: ${result.error.message}; run \`pnpm install\` first`,
  );
  process.exit(1);
}
process.exit(result.status ?? 1);
