"use server";

import { randomBytes } from "node:crypto";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import {
  artistForm,
  bookingForm,
  bookingRequest,
  conflictMessage,
  failureText,
  STUDIO_COOKIE,
  studioForm,
} from "../../lib/booking";
import { signedInBookingApi } from "../../lib/booking-api";
import { type FormState, parseForm } from "../../lib/forms";

const ONE_YEAR = 31_536_000; // seconds

async function rememberStudio(tenantId: string): Promise<void> {
  (await cookies()).set(STUDIO_COOKIE, tenantId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: ONE_YEAR,
  });
}

// The ids a page binds to its forms come back from the browser: checked before they go anywhere.
const id = z.uuid();

/** A new studio, its slug from its name; the user becomes its owner and works in it from now on. */
export async function createStudio(
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const form = parseForm(studioForm, formData);
  if (!form.ok) {
    return form.state;
  }
  const api = await signedInBookingApi();
  let created = await api.createTenant(form.data);
  if (!created.ok && created.error?.code === "slug_taken") {
    // Another studio has that name's slug: this one gets a short random suffix instead.
    const suffix = randomBytes(3).toString("hex");
    created = await api.createTenant({
      name: form.data.name,
      slug: `${form.data.slug.slice(0, 63 - suffix.length - 1)}-${suffix}`,
    });
  }
  if (!created.ok) {
    return {
      message: failureText(created.status, created.error),
      values: { name: form.data.name },
    };
  }
  await rememberStudio(created.data.id);
  redirect("/bookings");
}

/** Work in another of the user's studios (the page falls back to the first if it is not theirs). */
export async function switchStudio(formData: FormData): Promise<void> {
  const tenantId = id.safeParse(formData.get("studio"));
  if (tenantId.success) {
    await rememberStudio(tenantId.data);
  }
  redirect("/bookings");
}

export async function addArtist(
  tenantId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const form = parseForm(artistForm, formData);
  if (!form.ok) {
    return form.state;
  }
  const values = {
    name: form.data.name,
    email: form.data.email ?? "",
    notes: form.data.notes ?? "",
  };
  if (!id.safeParse(tenantId).success) {
    return { message: "Reload the page and try again.", values };
  }
  const api = (await signedInBookingApi()).inStudio(tenantId);
  const created = await api.createArtist(form.data);
  if (!created.ok) {
    return { message: failureText(created.status, created.error), values };
  }
  redirect(`/bookings?artist=${created.data.id}`);
}

/**
 * Books `artistName` (`artistId`) in studio `tenantId`. When the time is taken (the database's
 * exclusion constraint, a 409 booking_conflict) the form says so and keeps what was typed.
 */
export async function book(
  tenantId: string,
  artistId: string,
  artistName: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const form = parseForm(bookingForm, formData);
  if (!form.ok) {
    return form.state;
  }
  const { title, day, start, end, status, holdUntil } = form.data;
  const values = { title, day, start, end, status, holdUntil };
  if (!id.safeParse(tenantId).success || !id.safeParse(artistId).success) {
    return { message: "Reload the page and try again.", values };
  }
  const api = (await signedInBookingApi()).inStudio(tenantId);
  const created = await api.createBooking(bookingRequest(artistId, form.data));
  if (!created.ok) {
    const message =
      created.status === 409 && created.error?.code === "booking_conflict"
        ? conflictMessage(artistName)
        : failureText(created.status, created.error);
    return { message, values };
  }
  revalidatePath("/bookings");
  // Booked: the list shows it; the form is ready for the next booking, on the same day.
  return { values: { day, status } };
}
