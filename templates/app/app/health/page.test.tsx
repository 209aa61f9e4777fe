import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import HealthPage from "./page";

describe("HealthPage", () => {
  it("reports the status and when it was checked", () => {
    const html = renderToStaticMarkup(<HealthPage />);
    expect(html).toMatch(
      /<strong data-status="ok" class="text-emerald-600">ok<\/strong>/,
    );
    expect(html).toMatch(/<time dateTime="\d{4}-\d{2}-\d{2}T[^"]+Z">/i);
  });
});
