// The path and the query of a request's URL by string operations. request.url is always a
// serialized absolute URL (`scheme://host[:port]/path[?query]`), so its parts can be cut out
// without `new URL`, which costs more than the rest of the redirect's routing on every click.
// Both agree with URL's `pathname` and `search` (a test checks them against it).

// Where the path and query end: at the fragment, if any (a "?" after "#" belongs to it).
function endOf(url: string): number {
  const hash = url.indexOf("#");
  return hash === -1 ? url.length : hash;
}

export function urlPath(url: string): string {
  const end = endOf(url);
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1 || start >= end) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query === -1 || query > end ? end : query);
}

export function urlSearch(url: string): string {
  const end = endOf(url);
  const start = url.indexOf("?");
  if (start === -1 || start >= end || start === end - 1) return "";
  return url.slice(start, end);
}
