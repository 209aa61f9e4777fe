"use client";

import { ActionForm, Field, type FormAction } from "../../components/form";
import { createOrganization } from "./actions";

export function CreateOrganizationForm() {
  return (
    <ActionForm
      action={createOrganization}
      label="New organization"
      submit="Create organization"
    >
      {(state) => (
        <>
          <Field label="Name" name="name" state={state} required />
          <Field
            label="Slug"
            name="slug"
            state={state}
            placeholder="acme-inc"
            required
          />
        </>
      )}
    </ActionForm>
  );
}

/** `addMember`: the server action, bound to its organization by the page. */
export function AddMemberForm({ addMember }: { addMember: FormAction }) {
  return (
    <ActionForm action={addMember} label="Add a member" submit="Add member">
      {(state) => (
        <>
          <Field
            label="Member's e-mail"
            name="email"
            type="email"
            state={state}
            required
          />
          <div className="flex flex-col gap-1.5">
            <label htmlFor="field-role" className="text-sm font-medium">
              Role
            </label>
            <select
              id="field-role"
              name="role"
              defaultValue={state.values?.role ?? "member"}
              className="h-10 rounded-md border border-input bg-background px-3 text-sm"
            >
              <option value="member">Member</option>
              <option value="admin">Admin</option>
            </select>
          </div>
        </>
      )}
    </ActionForm>
  );
}

/** `createProject`: the server action, bound to its organization by the page. */
export function CreateProjectForm({
  createProject,
}: {
  createProject: FormAction;
}) {
  return (
    <ActionForm
      action={createProject}
      label="New project"
      submit="Create project"
    >
      {(state) => (
        <>
          <Field label="Project name" name="name" state={state} required />
          <Field label="Description" name="description" state={state} />
        </>
      )}
    </ActionForm>
  );
}
