// Generated from openapi.json by openapi-typescript: do not edit.
// Not generated yet: `pnpm client` in this service (`dfworx new --install` does) writes the paths
// and schemas this service serves.

export type paths = Record<string, never>;
export type components = Record<string, never>;
export type operations = Record<string, never>;
