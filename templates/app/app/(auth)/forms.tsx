"use client";

import { ActionForm, Field } from "../../components/form";
import type { FormState } from "../../lib/forms";
import { signIn, signUp } from "./actions";

/** E-mail and password; `password` tells password managers whether to fill or to suggest one. */
function Credentials({
  state,
  password,
}: {
  state: FormState;
  password: "current-password" | "new-password";
}) {
  return (
    <>
      <Field
        label="E-mail"
        name="email"
        type="email"
        autoComplete="email"
        state={state}
        required
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={password}
        state={state}
        required
      />
    </>
  );
}

export function SignUpForm() {
  return (
    <ActionForm action={signUp} label="Sign up" submit="Sign up">
      {(state) => (
        <>
          <Field
            label="Full name"
            name="fullName"
            autoComplete="name"
            state={state}
            required
          />
          <Credentials state={state} password="new-password" />
        </>
      )}
    </ActionForm>
  );
}

/** After signing in, the user goes on to `next` (where proxy.ts stopped them). */
export function SignInForm({ next }: { next: string }) {
  return (
    <ActionForm action={signIn} label="Sign in" submit="Sign in">
      {(state) => (
        <>
          <input type="hidden" name="next" value={next} />
          <Credentials state={state} password="current-password" />
        </>
      )}
    </ActionForm>
  );
}
