import { describe, expect, it } from "vitest";

import { cn } from "./utils";

describe("cn", () => {
  it("joins conditional class names", () => {
    const hidden = false;
    expect(
      cn("px-2", hidden && "hidden", { "font-bold": true, italic: hidden }),
    ).toBe("px-2 font-bold");
  });

  it("lets later Tailwind classes win over conflicting ones", () => {
    expect(cn("px-2 py-1 bg-red-500", "px-4", "bg-primary")).toBe(
      "py-1 px-4 bg-primary",
    );
  });
});
