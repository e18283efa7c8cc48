import { createApp } from "./app";
import { handleQueue } from "./queue";
import { shortLink } from "./redirect";
import { handleScheduled } from "./scheduled";

const app = createApp();

// A plain object, so tests (and workerd) can call each handler directly.
export default {
  fetch(request, env, ctx) {
    // Short links first, without the router: they are most of the traffic, and the slug rules
    // keep reserved paths (api, docs, …) out of this branch.
    return shortLink(request, env, ctx) ?? app.fetch(request, env, ctx);
  },
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env>;
