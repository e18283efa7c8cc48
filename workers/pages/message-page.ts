import { html } from "hono/html";
import { PAGE_SECURITY_HEADERS } from "../lib/security-headers";
import { STYLESHEET } from "./assets";
import { MESSAGES, type Messages, negotiateLocale } from "./i18n";

type PageText = { title: string; message: string };

// A small page for people who follow a dead link, in the language their browser asks for (a
// shopper has no language cookie). Its text is ours only: nothing from the request is shown.
export async function messagePage(
  status: 404 | 410 | 503,
  request: Request,
  text: (t: Messages) => PageText,
): Promise<Response> {
  const locale = negotiateLocale(null, null, request.headers.get("Accept-Language"));
  const { title, message } = text(MESSAGES[locale]);
  const body = await html`<!doctype html>
<html lang="${locale}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · Swayline</title>
    <link rel="stylesheet" href="${STYLESHEET.path}" />
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
  </head>
  <body>
    <main class="message">
      <h1>${title}</h1>
      <p>${message}</p>
    </main>
  </body>
</html>`;
  return new Response(body.toString(), {
    status,
    headers: {
      ...PAGE_SECURITY_HEADERS,
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
    },
  });
}
