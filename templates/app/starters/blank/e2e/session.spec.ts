/**
 * The whole system as a user meets it: sign up, sign in and out, and a session that outlives its
 * access token, through the pages of this app and the auth service.
 */
import { randomBytes } from "node:crypto";

import {
  type Browser,
  type BrowserContext,
  expect,
  type Page,
  test,
} from "@playwright/test";

const PASSWORD = "correct horse battery staple";

interface User {
  email: string;
  context: BrowserContext;
  page: Page;
}

/** A new browser (its own cookies) in which `name` signs up from the home page. */
async function signUp(browser: Browser, name: string): Promise<User> {
  const email = `${name.toLowerCase()}.${randomBytes(4).toString("hex")}@example.com`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("link", { name: "Sign up" }).click();
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  return { email, context, page };
}

async function cookie(context: BrowserContext, name: string) {
  const found = (await context.cookies()).find(
    (candidate) => candidate.name === name,
  );
  expect(found, `the ${name} cookie`).toBeDefined();
  return found!;
}

test("a new user signs up and lands on their account page, signed in", async ({
  browser,
}) => {
  const ada = await signUp(browser, "Ada");
  await expect(
    ada.page.getByRole("heading", { name: "Your account" }),
  ).toBeVisible();
  await expect(ada.page.getByRole("main")).toContainText("Ada, you are");

  // Another browser is nobody: the account page sends it to sign in.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto("/account");
  await expect(stranger).toHaveURL(/\/sign-in\?next=%2Faccount$/);
});

test("a form with mistakes says what is wrong, next to the field", async ({
  browser,
}) => {
  const bea = await signUp(browser, "Bea");

  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-up");
  const signUpForm = page.getByRole("form", { name: "Sign up" });
  await signUpForm.getByLabel("Full name").fill("Bea Again");
  await signUpForm.getByLabel("E-mail").fill(bea.email);
  await signUpForm.getByLabel("Password").fill("short");
  await signUpForm.getByRole("button", { name: "Sign up" }).click();
  await expect(signUpForm).toContainText("At least 8 characters");
  await expect(signUpForm.getByLabel("Full name")).toHaveValue("Bea Again");

  // The service knows the address already.
  await signUpForm.getByLabel("Password").fill(PASSWORD);
  await signUpForm.getByRole("button", { name: "Sign up" }).click();
  await expect(signUpForm.getByRole("alert")).toHaveText(
    "Email already registered",
  );

  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(bea.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByRole("form", { name: "Sign in" }).getByRole("alert"),
  ).toHaveText("Wrong email or password");
});

test("signing out ends the session, also for a copy of its refresh token", async ({
  browser,
}) => {
  const cleo = await signUp(browser, "Cleo");
  const refreshToken = await cookie(cleo.context, "refresh_token");

  await cleo.page.getByRole("button", { name: "Sign out" }).click();
  await expect(cleo.page).toHaveURL(/\/sign-in$/);
  expect(await cleo.context.cookies()).toEqual([]);
  await cleo.page.goto("/account");
  await expect(cleo.page).toHaveURL(/\/sign-in\?next=%2Faccount$/);

  // The service revoked the token at sign-out: a copy taken before gets nobody in.
  const copy = await browser.newContext();
  await copy.addCookies([refreshToken]);
  const page = await copy.newPage();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in/);

  // Signing in again works, and comes back to where the user was going.
  await cleo.page.getByLabel("E-mail").fill(cleo.email);
  await cleo.page.getByLabel("Password").fill(PASSWORD);
  await cleo.page.getByRole("button", { name: "Sign in" }).click();
  await expect(cleo.page).toHaveURL(/\/account$/);
  await expect(cleo.page.getByTestId("signed-in-as")).toHaveText(cleo.email);
});

test("an expired access token is renewed unnoticed, and a stolen refresh token is refused", async ({
  browser,
}) => {
  const dan = await signUp(browser, "Dan");
  const stolen = await cookie(dan.context, "refresh_token");

  // Dan's access token expires (its cookie goes): his next page view trades the refresh token
  // for a new pair, and he does not notice.
  await dan.context.clearCookies({ name: "access_token" });
  await dan.page.goto("/account");
  await expect(dan.page.getByTestId("signed-in-as")).toHaveText(dan.email);
  await cookie(dan.context, "access_token");
  const rotated = await cookie(dan.context, "refresh_token");
  expect(rotated.value).not.toBe(stolen.value);

  // The thief presents the old token: refused.
  const thief = await browser.newContext();
  await thief.addCookies([stolen]);
  const page = await thief.newPage();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // A used token presented again means it was copied: the service ends the whole session, so
  // whoever holds the newer token (here Dan) must sign in again too.
  await dan.context.clearCookies({ name: "access_token" });
  await dan.page.goto("/account");
  await expect(dan.page).toHaveURL(/\/sign-in/);
});
