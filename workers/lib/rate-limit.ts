import { ApiError } from "../../src/errors";

// The period of the limiters in wrangler.toml: the longest a refused caller waits.
const PERIOD_SECONDS = 60;

// Per key, and per client of that key: the customer the checkout names. The caller's address
// would not do: a shop's checkout calls from its servers, so every customer shares it.
export async function limitRedemptions(
  env: Env,
  keyId: string,
  customerId: string | undefined,
): Promise<void> {
  const [perKey, perClient] = await Promise.all([
    env.REDEMPTIONS_PER_KEY.limit({ key: keyId }),
    customerId ? env.REDEMPTIONS_PER_CLIENT.limit({ key: `${keyId}:${customerId}` }) : { success: true },
  ]);
  if (!perKey.success || !perClient.success) {
    throw new ApiError(
      "rate_limited",
      `Too many redemption attempts; try again in ${PERIOD_SECONDS} seconds.`,
      undefined,
      PERIOD_SECONDS,
    );
  }
}
