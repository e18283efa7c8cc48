import type { Child, FC, PropsWithChildren } from "hono/jsx";
import { encode } from "uqr";
import type { Session } from "../../src/sessions/sessions";
import { PICKER_SCRIPT, SCRIPT, STYLESHEET } from "./assets";
import type { Formatter } from "./format";
import { LOCALES, type Locale, type Messages } from "./i18n";

// What every page component needs to know about the request it answers.
export type Ui = {
  t: Messages;
  fmt: Formatter;
  locale: Locale;
  url: URL;
  csrf: string;
  session: Session | null;
};

// A form that failed validation comes back with what was typed and a message per field.
export type FormState = {
  form: string;
  values: Record<string, string>;
  errors: Record<string, string>;
  message?: string | undefined;
};

export const CSRF_FIELD = "_csrf";

function withQuery(url: URL, name: string, value: string): string {
  const next = new URL(url);
  next.searchParams.set(name, value);
  return `${next.pathname}${next.search}`;
}

export const Layout: FC<
  PropsWithChildren<{ ui: Ui; title: string; noindex?: boolean; mainClass?: string; nav?: Child }>
> = ({ ui, title, noindex, mainClass, nav, children }) => (
  <html lang={ui.locale}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {noindex ? <meta name="robots" content="noindex, nofollow" /> : null}
      <title>{`${title} · Swayline`}</title>
      <link rel="stylesheet" href={STYLESHEET.path} />
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <script src={SCRIPT.path} defer />
      {/* The influencer pickers are the dashboard's alone. */}
      {ui.session?.scope === "admin" ? <script src={PICKER_SCRIPT.path} defer /> : null}
    </head>
    <body>
      <header class="top">
        {/* Home for the signed-in; a reader of a shared report has no home here. */}
        {ui.session ? (
          <a class="brand" href={ui.session.scope === "influencer" ? "/portal" : "/dashboard"}>
            {ui.t.appName}
          </a>
        ) : (
          <span class="brand">{ui.t.appName}</span>
        )}
        <nav aria-label={ui.t.language}>
          {nav}
          {LOCALES.map((locale) =>
            locale === ui.locale ? (
              <strong aria-current="true">{locale.toUpperCase()}</strong>
            ) : (
              <a href={withQuery(ui.url, "lang", locale)} hreflang={locale} lang={locale}>
                {locale.toUpperCase()}
              </a>
            ),
          )}
          {ui.session ? (
            <Form ui={ui} action="/logout" class="inline">
              <button type="submit" class="secondary">
                {ui.t.signOut}
              </button>
            </Form>
          ) : null}
        </nav>
      </header>
      <main class={mainClass}>{children}</main>
    </body>
  </html>
);

// Every form of the pages goes through here, so none can miss its CSRF token.
export const Form: FC<
  PropsWithChildren<{
    ui: Ui;
    action: string;
    class?: string;
    label?: string;
    enctype?: "multipart/form-data";
  }>
> = ({ ui, action, class: className, label, enctype, children }) => (
  <form method="post" action={action} class={className ?? "card"} aria-label={label} enctype={enctype}>
    <input type="hidden" name={CSRF_FIELD} value={ui.csrf} />
    {children}
  </form>
);

export const FormMessage: FC<{ ui: Ui; state: FormState | undefined; form: string }> = ({
  ui,
  state,
  form,
}) =>
  state?.form === form ? (
    <p class="alert" role="alert">
      {state.message ?? ui.t.fixErrors}
    </p>
  ) : null;

// What a form control shows of the last submission of its form: the value typed, the refusal,
// and the attributes that tie the refusal to the control for screen readers.
export function control(form: string, state: FormState | undefined, name: string) {
  const mine = state?.form === form ? state : undefined;
  const error = mine?.errors[name];
  const id = `${form}-${name}`;
  return {
    id,
    typed: mine?.values[name],
    error,
    invalid: {
      "aria-invalid": error ? "true" : undefined,
      "aria-describedby": error ? `${id}-error` : undefined,
    },
  };
}

export const FieldError: FC<{ id: string; error: string | undefined }> = ({ id, error }) =>
  error ? (
    <span class="field-error" id={`${id}-error`}>
      {error}
    </span>
  ) : null;

export type FieldProps = {
  name: string;
  label: string;
  form: string;
  state: FormState | undefined;
  type?: string;
  required?: boolean;
  value?: string;
  min?: string;
  max?: string;
  step?: string;
  placeholder?: string;
  autocomplete?: string;
};

export const Field: FC<FieldProps> = ({ name, label, form, state, type, value, ...rest }) => {
  const { id, typed, error, invalid } = control(form, state, name);
  return (
    <label for={id}>
      <span>{label}</span>
      <input id={id} name={name} type={type ?? "text"} value={typed ?? value ?? ""} {...invalid} {...rest} />
      <FieldError id={id} error={error} />
    </label>
  );
};

export type SelectOption = string | { value: string; label: string };

export const Select: FC<{
  name: string;
  label: string;
  form: string;
  state: FormState | undefined;
  options: readonly SelectOption[];
  value?: string;
}> = ({ name, label, form, state, options, value }) => {
  const { id, typed, error, invalid } = control(form, state, name);
  const selected = typed ?? value;
  return (
    <label for={id}>
      <span>{label}</span>
      <select id={id} name={name} {...invalid}>
        {options.map((option) => {
          const { value: v, label: l } =
            typeof option === "string" ? { value: option, label: option } : option;
          return (
            <option value={v} selected={v === selected}>
              {l}
            </option>
          );
        })}
      </select>
      <FieldError id={id} error={error} />
    </label>
  );
};

export const CopyButton: FC<{ ui: Ui; text: string; label?: string }> = ({ ui, text, label }) => (
  <button type="button" class="secondary" data-copy={text} data-copied={ui.t.copied} aria-label={label}>
    {ui.t.copy}
  </button>
);

// A QR code as inline SVG: uqr encodes, the modules are drawn as one path.
export const QrCode: FC<{ ui: Ui; text: string }> = ({ ui, text }) => {
  const { size, data } = encode(text, { ecc: "M", border: 2 });
  let d = "";
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x},${y}h1v1h-1z`;
    });
  });
  const title = `${ui.t.qrFor} ${text}`;
  return (
    <svg
      class="qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={title}
      shape-rendering="crispEdges"
    >
      <title>{title}</title>
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
};

export type Column = { label: Child; num?: boolean };

// A table whose columns have headings, inside a box that scrolls sideways on a narrow screen.
export const DataTable: FC<PropsWithChildren<{ columns: Column[]; caption?: Child }>> = ({
  columns,
  caption,
  children,
}) => (
  <div class="table-wrap">
    <table>
      {caption ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col" class={column.num ? "num" : undefined}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  </div>
);
