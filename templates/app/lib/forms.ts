/**
 * The forms of the app, as Zod schemas: the same rules the auth service applies, checked on the
 * server before anything is sent, so a mistake comes back as a message next to its field.
 */
import { z } from "zod";

// The service's rules (services/<auth service>/src/.../validators.py and models.py).
const email = z
  .email("Enter an e-mail address")
  .max(255)
  .transform((value) => value.toLowerCase());
const name = z.string().trim().min(1, "Enter a name").max(200);

export const signUpForm = z.object({
  fullName: name,
  email,
  password: z
    .string()
    .min(8, "At least 8 characters")
    .max(72, "At most 72 characters")
    .refine((value) => value.trim().length > 0, "Not only spaces"),
});

export const signInForm = z.object({
  email,
  password: z.string().min(1, "Enter your password").max(1024),
});

export const organizationForm = z.object({
  name,
  slug: z
    .string()
    .trim()
    .max(63)
    .regex(
      /^[a-z0-9]+(-[a-z0-9]+)*$/,
      "Lowercase letters and digits, words joined by single hyphens",
    ),
});

export const memberForm = z.object({
  email,
  role: z.enum(["member", "admin"]),
});

export const projectForm = z.object({
  name,
  description: z
    .string()
    .trim()
    .max(10_000)
    .transform((value) => value || null),
});

/** What a form action answers: nothing yet, or the message, the field errors and what was typed. */
export interface FormState {
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  values?: Record<string, string>;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; state: FormState };

/** The form's fields (text only; files and passwords are never echoed back) checked by `schema`. */
export function parseForm<T>(
  schema: z.ZodType<T>,
  formData: FormData,
): Parsed<T> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (
      typeof value === "string" &&
      !key.startsWith("$") &&
      key !== "password"
    ) {
      values[key] = value;
    }
  }
  const result = schema.safeParse(Object.fromEntries(formData));
  if (result.success) {
    return { ok: true, data: result.data };
  }
  const { fieldErrors } = z.flattenError(result.error);
  return { ok: false, state: { fieldErrors, values } };
}

/** A path inside this app to go to after signing in; anything else (another site) becomes "/organizations". */
export function safeNextPath(value: unknown): string {
  if (
    typeof value === "string" &&
    value.startsWith("/") &&
    !value.startsWith("//") &&
    !value.startsWith("/\\")
  ) {
    return value;
  }
  return "/organizations";
}
