/** The OpenAPI document is the contract the typed API client is generated from. */
import type { OpenAPIObject } from "@nestjs/swagger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, openApiDocument } from "../src/app.js";
import { loadConfig } from "../src/config.js";

describe("the OpenAPI document", () => {
  let document: OpenAPIObject;
  const close: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    // No database and no real secret: building the document connects to nothing.
    const config = loadConfig({
      DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none",
      JWT_SECRET: "x".repeat(32),
    });
    const app = await createApp(config, { logger: false });
    close.push(() => app.close());
    document = openApiDocument(app);
  });

  afterAll(async () => {
    await Promise.all(close.map((fn) => fn()));
  });

  it("names every operation, and protected ones need the bearer scheme", () => {
    const paths = document.paths;
    expect(paths["/health"]?.get?.operationId).toBe("getHealth");
    expect(paths["/health"]?.get?.security).toBeUndefined();
    expect(paths["/profile"]?.get?.operationId).toBe("getProfile");
    expect(paths["/profile"]?.get?.security).toEqual([{ HTTPBearer: [] }]);
    expect(paths["/profile"]?.patch?.operationId).toBe("updateProfile");
  });

  it("describes bodies and responses with the Zod schemas", () => {
    const schemas = document.components?.schemas ?? {};
    expect(Object.keys(schemas)).toEqual(
      expect.arrayContaining([
        "Health",
        "Profile",
        "ProfileUpdate",
        "ErrorDetail",
      ]),
    );
    expect(document.paths["/profile"]?.get?.responses["200"]).toMatchObject({
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/Profile" },
        },
      },
    });
    expect(document.paths["/profile"]?.patch?.requestBody).toMatchObject({
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/ProfileUpdate" },
        },
      },
    });
  });
});
