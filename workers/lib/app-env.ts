import type { Principal } from "../../src/auth/api-keys";
import type { Db } from "../../src/db";

export type AppEnv = {
  Bindings: Env;
  Variables: { db: Db; principal: Principal };
};
