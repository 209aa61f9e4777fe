"use client";

import { ActionForm, Field, type FormAction } from "../../components/form";
import type { FormState } from "../../lib/forms";
import { createStudio } from "./actions";

const INPUT =
  "h-10 rounded-md border border-input bg-background px-3 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

export function CreateStudioForm() {
  return (
    <ActionForm
      action={createStudio}
      label="Create your studio"
      submit="Create studio"
    >
      {(state) => (
        <Field
          label="Studio name"
          name="name"
          state={state}
          placeholder="Northern Lights Animation"
          required
        />
      )}
    </ActionForm>
  );
}

/** `addArtist`: the server action, bound to the studio by the page. */
export function AddArtistForm({ addArtist }: { addArtist: FormAction }) {
  return (
    <ActionForm action={addArtist} label="Add an artist" submit="Add artist">
      {(state) => (
        <>
          <Field label="Artist's name" name="name" state={state} required />
          <Field
            label="Artist's e-mail"
            name="email"
            type="email"
            state={state}
            placeholder="Optional"
          />
          <Field
            label="Notes"
            name="notes"
            state={state}
            placeholder="Optional"
          />
        </>
      )}
    </ActionForm>
  );
}

function StatusField({ state }: { state: FormState }) {
  const status = state.values?.status ?? "confirmed";
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor="field-status" className="text-sm font-medium">
        Status
      </label>
      {/* The form resets to its options' initial `selected` after every submit (React sets it
          from defaultValue only when the select mounts): a new select for each status to keep. */}
      <select
        key={status}
        id="field-status"
        name="status"
        defaultValue={status}
        className={INPUT}
      >
        <option value="confirmed">Confirmed</option>
        <option value="pencil">Pencil (tentative, takes the time)</option>
        <option value="hold">Hold (until a moment, blocks nothing)</option>
      </select>
    </div>
  );
}

/**
 * `book`: the server action, bound to the studio and the artist by the page. The times are the
 * user's wall-clock times in `timeZone` (the browser's, see TimeZoneCookie).
 */
export function BookForm({
  book,
  artistName,
  timeZone,
}: {
  book: FormAction;
  artistName: string;
  timeZone: string;
}) {
  return (
    <ActionForm action={book} label={`Book ${artistName}`} submit="Book">
      {(state) => (
        <>
          <Field label="Title" name="title" state={state} required />
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            <Field label="Day" name="day" type="date" state={state} required />
            <Field
              label="Start"
              name="start"
              type="time"
              state={state}
              required
            />
            <Field label="End" name="end" type="time" state={state} required />
          </div>
          <StatusField state={state} />
          <Field
            label="Hold until (holds only)"
            name="holdUntil"
            type="datetime-local"
            state={state}
          />
          <input type="hidden" name="timeZone" value={timeZone} />
          <p className="text-xs text-muted-foreground">Times in {timeZone}.</p>
        </>
      )}
    </ActionForm>
  );
}
