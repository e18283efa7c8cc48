// Headers for every HTML page (dashboard, portal, shared reports, /docs, message pages). The
// policy allows only this origin's stylesheet, script and images: no inline script or style, no
// framing (clickjacking), forms post only back here.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  // same-origin, not no-referrer: Chromium sends `Origin: null` on form posts under no-referrer,
  // and the CSRF check needs the real origin. Share tokens in URLs still never leave the site.
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
};

export function withPageSecurityHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) headers.set(name, value);
}
