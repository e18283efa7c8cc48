import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../workers/index";
import { BASE } from "./helpers";

// A browser in miniature for page tests: keeps cookies, posts forms from this origin with the
// CSRF token read from the page, and does not follow redirects (tests look at them).
export class PageClient {
  readonly cookies = new Map<string, string>();
  readonly setCookies: string[] = [];
  // Bindings to change for this client's requests (e.g. a rotated ADMIN_API_KEY).
  envOverrides: Partial<Env> = {};

  // The address Cloudflare would report for this browser (CF-Connecting-IP), if any.
  constructor(readonly address?: string) {}

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    if (this.address) headers["CF-Connecting-IP"] = this.address;
    if (this.cookies.size) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers.Origin ??= BASE;
    }
    const request = new Request(`${BASE}${path}`, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      body,
      redirect: "manual",
    });
    const response = await this.send(request);
    for (const line of response.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  private async send(request: Request): Promise<Response> {
    if (Object.keys(this.envOverrides).length === 0) return exports.default.fetch(request);
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      request as Parameters<typeof worker.fetch>[0],
      { ...env, ...this.envOverrides },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return response;
  }

  // The CSRF token of the forms on a page (every form carries the same one).
  async csrfFrom(path: string): Promise<string> {
    const page = await this.request(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path} (${page.status})`);
    return token;
  }

  async post(path: string, form: Record<string, string>, tokenFrom = path) {
    const token = await this.csrfFrom(tokenFrom);
    return this.request(path, { form: { _csrf: token, ...form } });
  }

  async signIn(key: string) {
    const res = await this.post("/login", { key });
    if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
    return res;
  }
}

// The table row of a page that holds `needle` (in its tag or in a cell).
export function rowOf(html: string, needle: string): string {
  return (
    html
      .split("<tr")
      .find((row) => row.includes(needle))
      ?.split("</tr>")[0] ?? ""
  );
}

// A file sent through a campaign's snapshot import form, as a browser sends it: multipart, with the
// session's cookie and the page's CSRF token.
export async function upload(browser: PageClient, path: string, csv: string | null, token?: string) {
  const form = new FormData();
  form.set("_csrf", token ?? (await browser.csrfFrom(path.split("/post-metrics")[0] as string)));
  if (csv !== null) form.set("file", new File([csv], "snapshots.csv", { type: "text/csv" }));
  const response = await exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      body: form,
      redirect: "manual",
      headers: {
        Origin: BASE,
        Cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    }),
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

// The cell of one counter of one post in a posts table: its level, and its growth below it.
export function postCell(html: string, postId: string, counter: string) {
  const row = new RegExp(`<tr data-post="${postId}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? "";
  const cell = new RegExp(`data-counter="${counter}">([\\s\\S]*?)</td>`).exec(row)?.[1] ?? "";
  const growth = /data-growth="?[^>]*>([^<]*)</.exec(cell)?.[1];
  return { level: cell.replace(/<span[\s\S]*$/, "").trim(), growth };
}
