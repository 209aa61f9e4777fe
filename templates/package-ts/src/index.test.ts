import { describe, expect, it } from "vitest";

import { slugify } from "./index.js";

describe("slugify", () => {
  it("keeps letters and digits and joins words with hyphens", () => {
    expect(slugify("Hello, World 2")).toBe("hello-world-2");
  });

  it("drops accents and leading or trailing separators", () => {
    expect(slugify("  Café déjà vu! ")).toBe("cafe-deja-vu");
  });
});
