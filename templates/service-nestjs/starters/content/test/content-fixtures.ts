/** Fixtures of the content tests, on top of the skeleton's (testing.ts): requests as a user, tenants made through the API. */
import type { NestFastifyApplication } from "@nestjs/platform-fastify";
import { expect } from "vitest";
import type { SignedInUser } from "./testing.js";

// Replies are checked field by field with expect(): typing each one would only restate the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
}

/** Requests to the service as `user`. */
export function api(app: NestFastifyApplication, user: SignedInUser) {
  const request = async <T = Json>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    payload?: unknown,
  ): Promise<Reply<T>> => {
    const response = await app.inject({
      method,
      url,
      headers: user.headers,
      ...(payload !== undefined && { payload: payload as object }),
    });
    return {
      status: response.statusCode,
      body: response.body === "" ? (undefined as T) : (response.json() as T),
    };
  };
  return {
    get: <T = Json>(url: string) => request<T>("GET", url),
    post: <T = Json>(url: string, body: unknown) =>
      request<T>("POST", url, body),
    patch: <T = Json>(url: string, body: unknown) =>
      request<T>("PATCH", url, body),
    delete: <T = Json>(url: string) => request<T>("DELETE", url),
  };
}

export interface CreatedTenant {
  id: string;
  schemaName: string;
  /** /tenants/<id>/content */
  content: string;
}

/** A tenant made by `owner` through POST /tenants. */
export async function tenantOf(
  app: NestFastifyApplication,
  owner: SignedInUser,
  slug: string,
): Promise<CreatedTenant> {
  const created = await api(app, owner).post("/tenants", { name: slug, slug });
  expect(created.status).toBe(201);
  return {
    id: created.body.id,
    schemaName: created.body.schemaName,
    content: `/tenants/${created.body.id}/content`,
  };
}
