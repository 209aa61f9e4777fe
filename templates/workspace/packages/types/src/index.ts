export type * from "./auth.js";
export type * from "./common.js";
export type * from "./health.js";
export type * from "./organization.js";
