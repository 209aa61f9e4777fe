"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import { anonymousApi, errorMessage } from "../../lib/api";
import {
  type FormState,
  parseForm,
  safeNextPath,
  signInForm,
  signUpForm,
} from "../../lib/forms";
import { clearSession, REFRESH_COOKIE, writeSession } from "../../lib/session";

export async function signUp(
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const form = parseForm(signUpForm, formData);
  if (!form.ok) {
    return form.state;
  }
  const { fullName, email, password } = form.data;
  const { data, error, response } = await anonymousApi().POST("/auth/signup", {
    body: { full_name: fullName, email, password },
  });
  if (!data) {
    return {
      message: errorMessage(error, response.status),
      values: { fullName, email },
    };
  }
  writeSession(await cookies(), data);
  redirect("/organizations");
}

export async function signIn(
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const form = parseForm(signInForm, formData);
  if (!form.ok) {
    return form.state;
  }
  const { email, password } = form.data;
  const { data, error, response } = await anonymousApi().POST("/auth/login", {
    body: { email, password },
  });
  if (!data) {
    return { message: errorMessage(error, response.status), values: { email } };
  }
  writeSession(await cookies(), data);
  redirect(safeNextPath(formData.get("next")));
}

/** Revokes the refresh token at the service (so a copy of it is worthless), then forgets both. */
export async function signOut(): Promise<void> {
  const jar = await cookies();
  const refreshToken = jar.get(REFRESH_COOKIE)?.value;
  if (refreshToken) {
    await anonymousApi().POST("/auth/logout", {
      body: { refresh_token: refreshToken },
    });
  }
  clearSession(jar);
  redirect("/sign-in");
}
