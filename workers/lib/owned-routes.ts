import { createRoute, type z } from "@hono/zod-openapi";
import type { Db } from "../../src/db";
import type { ListFilter } from "../../src/list-filters";
import { mapPage, type OwnerFilter, type Page, type PageResult } from "../../src/pagination";
import type { RequestContext } from "./app-env";
import { requireScope } from "./auth";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  filteredPageQuerySchema,
  idParam,
  jsonResponse,
  listFilterOf,
  listOf,
  notFoundResponse,
  ownedListQuery,
  ownedListQuerySchema,
} from "./router";

// What an influencer owns in a campaign (links, codes, posts) is read alike: a page filtered by
// either owner, and one by id, both for admin keys.
export type OwnedResource<Row, S extends z.ZodType> = {
  path: string;
  tags: string[];
  schema: S;
  list: {
    summary: string;
    description: string;
    rows: (db: Db, page: Page, filter: OwnerFilter & ListFilter) => Promise<PageResult<Row>>;
    // Archivable and searchable (links, codes): the list takes ?q= and ?include_archived=.
    filtered?: boolean;
  };
  get: { summary: string; description: string; row: (db: Db, id: string) => Promise<Row> };
  serialize: (row: Row, ctx: RequestContext) => z.infer<S>;
};

// GET <path> and GET <path>/{id}, to mount with .route("/", ...) among the resource's other routes.
export function ownedListAndGet<Row, S extends z.ZodType>(resource: OwnedResource<Row, S>) {
  const { path, tags, schema, list, get, serialize } = resource;
  const admin = requireScope("admin");
  return createRouter()
    .openapi(
      createRoute({
        method: "get",
        path,
        tags,
        summary: list.summary,
        security: bearerSecurity,
        middleware: [admin],
        request: {
          query: list.filtered
            ? ownedListQuerySchema.extend(filteredPageQuerySchema.omit({ limit: true, cursor: true }).shape)
            : ownedListQuerySchema,
        },
        responses: { 200: jsonResponse(listOf(schema), list.description), ...errorResponses },
      }),
      async (c) => {
        const { ctx } = c.var;
        const { q, include_archived, ...query } = c.req.valid("query") as z.infer<
          typeof filteredPageQuerySchema
        > &
          z.infer<typeof ownedListQuerySchema>;
        const { page, filter } = ownedListQuery(query);
        const more = list.filtered ? listFilterOf({ q, include_archived }) : {};
        return c.json(
          mapPage(await list.rows(ctx.db, page, { ...filter, ...more }), (row) => serialize(row, ctx)),
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: `${path}/{id}`,
        tags,
        summary: get.summary,
        security: bearerSecurity,
        middleware: [admin],
        request: { params: idParam },
        responses: { 200: jsonResponse(schema, get.description), ...errorResponses, ...notFoundResponse },
      }),
      async (c) => {
        const { ctx } = c.var;
        return c.json(serialize(await get.row(ctx.db, c.req.valid("param").id), ctx), 200);
      },
    );
}
