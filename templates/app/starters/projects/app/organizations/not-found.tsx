import Link from "next/link";

export default function OrganizationNotFound() {
  return (
    <main className="flex flex-col gap-3">
      <h1 className="text-3xl font-bold tracking-tight">
        Organization not found
      </h1>
      <p className="text-muted-foreground">
        It does not exist, or you are not one of its members.
      </p>
      <Link href="/organizations" className="underline underline-offset-4">
        Back to your organizations
      </Link>
    </main>
  );
}
