import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { Button, buttonVariants } from "./button";

describe("Button", () => {
  it("renders a non-submitting button with the default variant", () => {
    const html = renderToStaticMarkup(<Button>Save</Button>);
    expect(html).toMatch(
      /^<button type="button" data-slot="button" class="[^"]*bg-primary[^"]*">Save<\/button>$/,
    );
  });

  it("keeps an explicit type and lets className override variant classes", () => {
    const html = renderToStaticMarkup(
      <Button type="submit" variant="outline" size="sm" className="px-6">
        Send
      </Button>,
    );
    expect(html).toContain('type="submit"');
    expect(html).toContain("border-input");
    expect(html).toContain("px-6");
    expect(html).not.toContain("px-3");
  });

  it("exposes the variant classes for styling links", () => {
    expect(buttonVariants({ variant: "link" })).toContain("underline-offset-4");
  });
});
