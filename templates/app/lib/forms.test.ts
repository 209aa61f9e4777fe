import { describe, expect, it } from "vitest";

import { organizationForm, parseForm, safeNextPath, signUpForm } from "./forms";

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    data.set(key, value);
  }
  return data;
}

describe("the sign-up form", () => {
  it("accepts a valid sign-up and lower-cases the e-mail, as the service stores it", () => {
    const parsed = parseForm(
      signUpForm,
      formData({
        fullName: " Ada Lovelace ",
        email: "Ada@Example.COM",
        password: "analytical engine",
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      data: {
        fullName: "Ada Lovelace",
        email: "ada@example.com",
        password: "analytical engine",
      },
    });
  });

  it("names each wrong field and gives back what was typed, except the password", () => {
    const parsed = parseForm(
      signUpForm,
      formData({ fullName: "", email: "ada", password: "short" }),
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.state.fieldErrors).toEqual({
      fullName: ["Enter a name"],
      email: ["Enter an e-mail address"],
      password: ["At least 8 characters"],
    });
    expect(parsed.state.values).toEqual({ fullName: "", email: "ada" });
  });
});

describe("the organization form", () => {
  it("takes a slug of lowercase words joined by hyphens, like the database's CHECK", () => {
    expect(
      organizationForm.safeParse({ name: "Acme", slug: "acme-inc-2" }).success,
    ).toBe(true);
    for (const slug of [
      "Acme",
      "acme--inc",
      "-acme",
      "acme_inc",
      "a".repeat(64),
    ]) {
      expect(
        organizationForm.safeParse({ name: "Acme", slug }).success,
        slug,
      ).toBe(false);
    }
  });
});

describe("safeNextPath", () => {
  it("keeps a path of this app", () => {
    expect(safeNextPath("/organizations/42")).toBe("/organizations/42");
  });

  it("refuses anything that leaves the app, and nothing at all", () => {
    for (const next of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "",
      null,
    ]) {
      expect(safeNextPath(next)).toBe("/organizations");
    }
  });
});
