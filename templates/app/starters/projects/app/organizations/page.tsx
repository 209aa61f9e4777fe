import type { Metadata } from "next";
import Link from "next/link";

import { failed } from "../../lib/api";
import { signedInApi } from "../../lib/session";
import { CreateOrganizationForm } from "./forms";

export const metadata: Metadata = { title: "Organizations" };

export default async function OrganizationsPage() {
  const api = await signedInApi();
  const { data: organizations, response } = await api.GET("/organizations");
  if (!organizations) {
    failed(response);
  }
  return (
    <main className="flex flex-col gap-8">
      <section className="flex flex-col gap-3">
        <h1 className="text-3xl font-bold tracking-tight">
          Your organizations
        </h1>
        {organizations.length === 0 ? (
          <p className="text-muted-foreground">
            You belong to no organization yet: create one below.
          </p>
        ) : (
          <ul
            aria-label="Organizations"
            className="flex flex-col divide-y divide-border rounded-md border border-border"
          >
            {organizations.map((organization) => (
              <li
                key={organization.id}
                className="flex items-center justify-between p-3"
              >
                <Link
                  href={`/organizations/${organization.id}`}
                  className="font-medium underline-offset-4 hover:underline"
                >
                  {organization.name}
                </Link>
                <span className="text-sm text-muted-foreground">
                  {organization.role}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="flex max-w-sm flex-col gap-3">
        <h2 className="text-xl font-semibold">New organization</h2>
        <CreateOrganizationForm />
      </section>
    </main>
  );
}
