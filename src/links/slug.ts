import { nanoid } from "nanoid";

export const SLUG_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
export const GENERATED_SLUG_LENGTH = 7;

// First path segments the Worker serves itself, or may serve later: a link there would be unreachable.
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "api",
  "docs",
  "dashboard",
  "portal",
  "r",
  "healthz",
  "share",
  "static",
  "assets",
  "login",
  "logout",
  "admin",
  "me",
  "openapi",
  "favicon.ico",
  "robots.txt",
  "well-known",
]);

export type SlugProblem = "format" | "reserved";

export function slugProblem(slug: string): SlugProblem | null {
  if (!SLUG_PATTERN.test(slug)) return "format";
  if (RESERVED_SLUGS.has(slug.toLowerCase())) return "reserved";
  return null;
}

export function generateSlug(): string {
  for (;;) {
    const slug = nanoid(GENERATED_SLUG_LENGTH);
    if (slugProblem(slug) === null) return slug;
  }
}
