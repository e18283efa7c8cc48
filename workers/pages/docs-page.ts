import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { STYLESHEET } from "./assets";

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  parameters?: { name: string; in: string; description?: string; schema?: Schema }[];
  responses?: Record<string, { description?: string }>;
  servers?: { url: string }[];
};
type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  nullable?: boolean;
  format?: string;
  items?: Schema;
  $ref?: string;
};
type Document = {
  info: { title: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
};

function typeOf(schema: Schema | undefined): string {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").at(-1) ?? "";
  if (schema.enum) return schema.enum.map(String).join(" | ");
  if (schema.type === "array") return `${typeOf(schema.items)}[]`;
  return [schema.type, schema.format].filter(Boolean).join(" ") + (schema.nullable ? " | null" : "");
}

function fields(schema: Schema | undefined) {
  const properties = Object.entries(schema?.properties ?? {});
  if (properties.length === 0) return "";
  return html`<table>
    <tr><th>field</th><th>type</th><th></th></tr>
    ${properties.map(
      ([name, field]) =>
        html`<tr><td><code>${name}</code>${schema?.required?.includes(name) ? " *" : ""}</td><td>${typeOf(field)}</td><td>${field.description ?? ""}</td></tr>`,
    )}
  </table>`;
}

// Where an operation is served: under the document's /api/v1, unless it names its own server.
const prefixOf = (op: Operation) => (op.servers?.[0]?.url ?? "/api/v1").replace(/\/$/, "");

function operation(method: string, path: string, op: Operation) {
  const body = op.requestBody?.content?.["application/json"]?.schema;
  const params = (op.parameters ?? []).filter((p) => p.in === "query");
  return html`<section>
    <h3><span class="method">${method.toUpperCase()}</span> <code>${prefixOf(op)}${path}</code></h3>
    <p>${op.summary ?? ""}${op.security?.length ? "" : " (no API key)"}</p>
    ${op.description ? html`<p class="muted">${op.description}</p>` : ""}
    ${params.length ? html`<p>Query: ${params.map((p) => html`<code>${p.name}</code> `)}</p>` : ""}
    ${body ? html`<h4>Body</h4>${fields(body)}` : ""}
    <p class="muted">Responses: ${Object.entries(op.responses ?? {}).map(([status, r]) => html`<span title="${r.description ?? ""}">${status}</span> `)}</p>
  </section>`;
}

// The human-readable API reference, generated from the same OpenAPI document that the request
// schemas produce, so the two cannot disagree. No script or remote asset: it works offline, and
// its styles come from the pages' stylesheet, since the Content-Security-Policy refuses inline ones.
export function docsPage(document: object): HtmlEscapedString | Promise<HtmlEscapedString> {
  const doc = document as Document;
  const byTag = new Map<string, ReturnType<typeof operation>[]>();
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${doc.info.title}</title>
    <link rel="stylesheet" href="${STYLESHEET.path}" />
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
  </head>
  <body>
    <main class="docs">
    <h1>${doc.info.title}</h1>
    <p>${doc.info.description ?? ""} Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
    <p>Send <code>Authorization: Bearer &lt;key&gt;</code>. Errors are
      <code>${raw("{&quot;error&quot;: {&quot;code&quot;, &quot;message&quot;, &quot;details&quot;?}}")}</code>;
      lists take <code>?limit=</code> (1–100, default 50) and <code>?cursor=</code>. Money is in minor units.</p>
    ${[...byTag.entries()].map(([tag, ops]) => html`<h2>${tag}</h2>${ops}`)}
    </main>
  </body>
</html>`;
}
