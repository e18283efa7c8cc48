import { createApp } from "./app";
import { handleQueue } from "./queue";
import { handleScheduled } from "./scheduled";

const app = createApp();

// A plain object, so tests (and workerd) can call each handler directly.
export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env>;
