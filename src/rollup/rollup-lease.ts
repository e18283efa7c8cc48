// One row names the run that is rolling up and until when. Taking it is one conditional upsert
// (free, or expired), so of two runs starting together exactly one gets it; a run that is killed
// holds it only until it expires. The lease saves a second run from redoing work: exactness does
// not depend on it (a chunk's guard does that), so a lease lost under a slow run is harmless.
const LEASE = "rollup";

export type Lease = { holder: string; ttlMs: number };
export type LeaseHeld = { holder: string; expires_at: string };

export async function takeLease(d1: D1Database, lease: Lease, now: number): Promise<LeaseHeld | null> {
  const taken = await d1
    .prepare(
      `INSERT INTO rollup_lease (name, holder, expires_at) VALUES (?1, ?2, ?3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE rollup_lease.expires_at <= ?4`,
    )
    .bind(LEASE, lease.holder, now + lease.ttlMs, now)
    .run();
  if (taken.meta.changes === 1) return null;
  const held = await d1
    .prepare("SELECT holder, expires_at FROM rollup_lease WHERE name = ?")
    .bind(LEASE)
    .first<{ holder: string; expires_at: number }>();
  return { holder: held?.holder ?? "", expires_at: new Date(held?.expires_at ?? now).toISOString() };
}

// Goes into each chunk's batch: moves the expiry on while the run is alive. No row changed means
// another run has taken the lease over, and this one should stop.
export function renewLease(d1: D1Database, lease: Lease, now: number): D1PreparedStatement {
  return d1
    .prepare("UPDATE rollup_lease SET expires_at = ?3 WHERE name = ?1 AND holder = ?2")
    .bind(LEASE, lease.holder, now + lease.ttlMs);
}

export async function releaseLease(d1: D1Database, lease: Lease): Promise<void> {
  await d1.prepare("DELETE FROM rollup_lease WHERE name = ? AND holder = ?").bind(LEASE, lease.holder).run();
}
