import { env, exports } from "cloudflare:workers";
import { BASE } from "./helpers";

// The route table as users see it: the served OpenAPI document, read at test time, so a route
// added tomorrow is in every suite built on it without anyone remembering to list it.
export type SchemaObject = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  anyOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  allOf?: SchemaObject[];
  nullable?: boolean;
  additionalProperties?: boolean | SchemaObject;
};

type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: SchemaObject };

type Operation = {
  servers?: { url: string }[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
};

export type ApiRoute = {
  // "get /campaigns/{id}": method in lower case and the path as the document writes it.
  key: string;
  method: string;
  path: string;
  keyed: boolean;
  pathParams: string[];
  queryParams: Parameter[];
  body: SchemaObject | undefined;
};

export type Document = {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
};

export async function openApiDocument(): Promise<Document> {
  const res = await exports.default.fetch(`${BASE}/api/v1/openapi.json`);
  return (await res.json()) as Document;
}

export async function apiRoutes(): Promise<{ routes: ApiRoute[]; document: Document }> {
  const document = await openApiDocument();
  return { routes: routesOf(document), document };
}

// The routes under /api/v1: an operation with a server of its own (the short-link redirect,
// served at the root) is documented in the same document but is not one of them.
export function routesOf(document: Document): ApiRoute[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([, op]) => op.servers === undefined)
      .map(([method, op]) => {
        const parameters = op.parameters ?? [];
        return {
          key: `${method} ${path}`,
          method,
          path,
          keyed: (op.security ?? []).some((s) => "bearerAuth" in s),
          pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
          queryParams: parameters.filter((p) => p.in === "query"),
          body: op.requestBody?.content?.["application/json"]?.schema,
        };
      }),
  );
}

// The document's schemas refer to each other by $ref; this follows them.
export function resolve(document: Document, schema: SchemaObject): SchemaObject {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 10; depth++) {
    const name = current.$ref.replace("#/components/schemas/", "");
    current = document.components?.schemas?.[name] ?? {};
  }
  return current;
}

export function fillPath(path: string, values: (param: string) => string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values(name)));
}

// Every table's row count: a refused request must leave all of them as they were.
export async function tableCounts(): Promise<Record<string, number>> {
  return countsOf(await env.DB.batch(await countStatements()));
}

// The statements, for a caller that batches them with its own reads (one D1 round trip).
export async function countStatements(): Promise<D1PreparedStatement[]> {
  const { results } = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table'
     AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'`,
  ).all<{ name: string }>();
  return results.map((t) => env.DB.prepare(`SELECT '${t.name}' AS name, COUNT(*) AS n FROM "${t.name}"`));
}

export function countsOf(results: D1Result[]): Record<string, number> {
  return Object.fromEntries(
    results.map((r) => {
      const row = r.results[0] as { name: string; n: number };
      return [row.name, row.n];
    }),
  );
}

// Real ids for a route's path parameters: `{id}` is of the kind its first segment names,
// `{influencer_id}` an influencer. A parameter nobody foresaw fails loudly, naming the route.
export type ResourceIds = Record<
  "campaigns" | "influencers" | "links" | "codes" | "posts" | "keys" | "payouts",
  string
>;

export function pathParamValue(route: ApiRoute, param: string, ids: ResourceIds): string {
  const resource = route.path.split("/")[1] as keyof ResourceIds;
  const id = param === "influencer_id" ? ids.influencers : param === "id" ? ids[resource] : undefined;
  if (!id) throw new Error(`${route.key}: no fixture for {${param}}; add one in the test`);
  return id;
}
