/** Timestamps travel as ISO 8601 strings, e.g. "2026-11-23T14:00:00Z". */
export type Timestamp = string;
