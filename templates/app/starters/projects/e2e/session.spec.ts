/**
 * The whole system as a user meets it: sign up, organizations, members and projects, through the
 * pages of this app, the auth service and row level security in PostgreSQL.
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
  name: string;
  email: string;
  context: BrowserContext;
  page: Page;
}

/** A new browser (its own cookies) in which `name` signs up and lands on their organizations. */
async function signUp(browser: Browser, name: string): Promise<User> {
  const email = `${name.toLowerCase()}.${randomBytes(4).toString("hex")}@example.com`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/sign-up");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/organizations$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  return { name, email, context, page };
}

/** Creates an organization (the user becomes its owner) and returns the URL of its page. */
async function createOrganization(user: User, name: string): Promise<string> {
  const { page } = user;
  await page.goto("/organizations");
  const form = page.getByRole("form", { name: "New organization" });
  await form.getByLabel("Name").fill(name);
  await form
    .getByLabel("Slug")
    .fill(
      `${name.toLowerCase().replaceAll(" ", "-")}-${randomBytes(3).toString("hex")}`,
    );
  await form.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(page).toHaveURL(/\/organizations\/[0-9a-f-]{36}$/);
  return page.url();
}

async function createProject(user: User, name: string): Promise<void> {
  const form = user.page.getByRole("form", { name: "New project" });
  await form.getByLabel("Project name").fill(name);
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(user.page.getByRole("list", { name: "Projects" })).toContainText(
    name,
  );
}

async function addMember(user: User, member: User): Promise<void> {
  const form = user.page.getByRole("form", { name: "Add a member" });
  await form.getByLabel("Member's e-mail").fill(member.email);
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(user.page.getByRole("list", { name: "Members" })).toContainText(
    member.name,
  );
}

async function cookie(context: BrowserContext, name: string) {
  const found = (await context.cookies()).find(
    (candidate) => candidate.name === name,
  );
  expect(found, `the ${name} cookie`).toBeDefined();
  return found!;
}

test("two users in two organizations each see only their own organization's projects", async ({
  browser,
}) => {
  const alice = await signUp(browser, "Alice");
  const bob = await signUp(browser, "Bob");
  const carol = await signUp(browser, "Carol");

  const aliceOrganization = await createOrganization(alice, "Alice Works");
  await createProject(alice, "Alice's launch plan");
  await addMember(alice, carol);

  const bobOrganization = await createOrganization(bob, "Bob Labs");
  await createProject(bob, "Bob's secret prototype");

  // Carol, a member of Alice's organization, sees it and its project, and nothing of Bob's.
  await carol.page.goto("/organizations");
  const carolsOrganizations = carol.page.getByRole("list", {
    name: "Organizations",
  });
  await expect(carolsOrganizations).toContainText("Alice Works");
  await expect(carolsOrganizations).not.toContainText("Bob Labs");
  await carolsOrganizations.getByRole("link", { name: "Alice Works" }).click();
  await expect(
    carol.page.getByRole("list", { name: "Projects" }),
  ).toContainText("Alice's launch plan");
  await expect(carol.page.getByRole("main")).not.toContainText(
    "Bob's secret prototype",
  );
  // A member adds projects too, and cannot add members.
  await createProject(carol, "Carol's research notes");
  await expect(
    carol.page.getByRole("form", { name: "Add a member" }),
  ).toHaveCount(0);

  // Bob sees only his organization; Alice's page, even with its address, shows nothing of it.
  await bob.page.goto("/organizations");
  const bobsOrganizations = bob.page.getByRole("list", {
    name: "Organizations",
  });
  await expect(bobsOrganizations).toContainText("Bob Labs");
  await expect(bobsOrganizations).not.toContainText("Alice Works");
  await bob.page.goto(aliceOrganization);
  await expect(
    bob.page.getByRole("heading", { name: "Organization not found" }),
  ).toBeVisible();
  await expect(bob.page.getByRole("main")).not.toContainText(
    "Alice's launch plan",
  );

  // And the other way round.
  await alice.page.goto(bobOrganization);
  await expect(
    alice.page.getByRole("heading", { name: "Organization not found" }),
  ).toBeVisible();
  await alice.page.goto(aliceOrganization);
  const alicesProjects = alice.page.getByRole("list", { name: "Projects" });
  await expect(alicesProjects).toContainText("Carol's research notes");
  await expect(alicesProjects).not.toContainText("Bob's secret prototype");
});

test("a form with mistakes says what is wrong, next to the field", async ({
  browser,
}) => {
  const dave = await signUp(browser, "Dave");
  const form = dave.page.getByRole("form", { name: "New organization" });
  await form.getByLabel("Name").fill("Dave's Bakery");
  await form.getByLabel("Slug").fill("Dave's Bakery");
  await form.getByRole("button", { name: "Create organization" }).click();
  await expect(form).toContainText("Lowercase letters and digits");
  await expect(form.getByLabel("Name")).toHaveValue("Dave's Bakery");

  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(dave.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(
    page.getByRole("form", { name: "Sign in" }).getByRole("alert"),
  ).toHaveText("Wrong email or password");
});

test("signing out ends the session, also for a copy of its refresh token", async ({
  browser,
}) => {
  const erin = await signUp(browser, "Erin");
  const refreshToken = await cookie(erin.context, "refresh_token");

  await erin.page.getByRole("button", { name: "Sign out" }).click();
  await expect(erin.page).toHaveURL(/\/sign-in$/);
  expect(await erin.context.cookies()).toEqual([]);
  await erin.page.goto("/organizations");
  await expect(erin.page).toHaveURL(/\/sign-in\?next=%2Forganizations$/);

  // The service revoked the token at sign-out: a copy taken before gets nobody in.
  const copy = await browser.newContext();
  await copy.addCookies([refreshToken]);
  const page = await copy.newPage();
  await page.goto("/organizations");
  await expect(page).toHaveURL(/\/sign-in/);

  // Signing in again works, and comes back to where the user was going.
  await erin.page.getByLabel("E-mail").fill(erin.email);
  await erin.page.getByLabel("Password").fill(PASSWORD);
  await erin.page.getByRole("button", { name: "Sign in" }).click();
  await expect(erin.page).toHaveURL(/\/organizations$/);
  await expect(erin.page.getByTestId("signed-in-as")).toHaveText(erin.email);
});

test("a stolen refresh token is refused once the session has rotated it", async ({
  browser,
}) => {
  const frank = await signUp(browser, "Frank");
  const stolen = await cookie(frank.context, "refresh_token");

  // Frank's access token expires (its cookie goes): his next page view trades the refresh token
  // for a new pair, and he does not notice.
  await frank.context.clearCookies({ name: "access_token" });
  await frank.page.goto("/organizations");
  await expect(
    frank.page.getByRole("heading", { name: "Your organizations" }),
  ).toBeVisible();
  const rotated = await cookie(frank.context, "refresh_token");
  expect(rotated.value).not.toBe(stolen.value);

  // The thief presents the old token: refused.
  const thief = await browser.newContext();
  await thief.addCookies([stolen]);
  const page = await thief.newPage();
  await page.goto("/organizations");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // A used token presented again means it was copied: the service ends the whole session, so
  // whoever holds the newer token (here Frank) must sign in again too.
  await frank.context.clearCookies({ name: "access_token" });
  await frank.page.goto("/organizations");
  await expect(frank.page).toHaveURL(/\/sign-in/);
});
