import type { FC } from "hono/jsx";
import { PLATFORMS, type Platform } from "../../schema";
import { type PickedInfluencer, pickInfluencers } from "../../src/campaigns/enrolments";
import type { Db } from "../../src/db";
import { findInfluencersByHandle } from "../../src/influencers/influencers";
import { MAX_SEARCH_LENGTH } from "../../src/list-filters";
import type { FormReader } from "./form-input";
import { control, FieldError, type FormState, type Ui } from "./layout";

// Influencer pickers: a text field with a <datalist>, so a campaign with thousands of influencers
// needs no select of thousands. The page fills the list with the campaign's enrolled influencers
// first; the picker script (assets.ts) refills it from GET /dashboard/influencers.json as one
// types. Without the script the field still takes a handle typed in full. An option's value is
// what the form sends back, "@handle (platform)", read by influencerFromForm.

export const PICKER_ENDPOINT = "/dashboard/influencers.json";
export const PICKER_OPTIONS = 50;
export const PICKER_MATCHES = 20;

export type PickerOption = { id: string; value: string; label: string };

const isPlatform = (value: string | undefined): value is Platform =>
  (PLATFORMS as readonly string[]).includes(value ?? "");

export function pickerOption(ui: Ui, influencer: PickedInfluencer): PickerOption {
  const label = [influencer.name, influencer.enrolled ? ui.t.manage.enrolledMark : null]
    .filter(Boolean)
    .join(" · ");
  return { id: influencer.id, value: `@${influencer.handle} (${influencer.platform})`, label };
}

export async function pickerOptions(
  db: Db,
  ui: Ui,
  input: { campaignId?: string | undefined; q?: string | undefined; limit: number },
): Promise<PickerOption[]> {
  const q = input.q?.slice(0, MAX_SEARCH_LENGTH).replace(/\s*\([^)]*\)?\s*$/, "");
  const picked = await pickInfluencers(db, { ...input, q });
  return picked.map((influencer) => pickerOption(ui, influencer));
}

// The influencer a picker names: "@handle (platform)" as an option gives it, a bare handle (with
// or without @) when only one platform has it, or an id. Refusals land on the field.
export async function influencerFromForm(db: Db, form: FormReader): Promise<string | undefined> {
  const typed = form.text("influencer");
  if (typed === undefined) {
    form.errors.influencer = form.words.required;
    return undefined;
  }
  if (/^inf_[\w-]+$/.test(typed)) return typed;
  const [, handle = "", platform] = /^@?(.+?)(?:\s*\(([a-z]+)\))?$/.exec(typed) ?? [];
  const found = await findInfluencersByHandle(
    db,
    handle.slice(0, 200),
    isPlatform(platform) ? platform : undefined,
  );
  if (found.length === 1) return found[0]?.id;
  form.errors.influencer = found.length === 0 ? form.words.unknownInfluencer : form.words.ambiguousHandle;
  return undefined;
}

export const InfluencerPicker: FC<{
  ui: Ui;
  form: string;
  state: FormState | undefined;
  campaignId: string;
  options: PickerOption[];
}> = ({ ui, form, state, campaignId, options }) => {
  const { id, typed, error, invalid } = control(form, state, "influencer");
  const hint = `${id}-hint`;
  return (
    <label for={id}>
      <span>{ui.t.influencer}</span>
      <input
        id={id}
        name="influencer"
        type="text"
        list={`${id}-options`}
        autocomplete="off"
        required
        value={typed ?? ""}
        data-picker={PICKER_ENDPOINT}
        data-campaign={campaignId}
        {...invalid}
        aria-describedby={[hint, invalid["aria-describedby"]].filter(Boolean).join(" ")}
      />
      <datalist id={`${id}-options`}>
        {options.map((option) => (
          <option value={option.value} data-id={option.id}>
            {option.label}
          </option>
        ))}
      </datalist>
      <small class="muted" id={hint}>
        {ui.t.manage.pickerHint}
      </small>
      <FieldError id={id} error={error} />
    </label>
  );
};
