import type { DatabaseSync } from "node:sqlite";
import type { Head, ReleaseRequest, ReleaseResult } from "./types.js";

/**
 * Columns added to `runs` after its first schema. CREATE TABLE IF NOT EXISTS leaves an older
 * file's table as it is, so each missing column is added with ALTER TABLE when the file opens.
 */
const addedRunColumns: Record<string, string> = {
  expires_at: "INTEGER",
  released_by: "TEXT",
  released_ms: "INTEGER",
  log_url: "TEXT",
  log_error: "TEXT",
};

/** Adds the columns that an older file's `runs` table lacks. */
export function addMissingColumns(db: DatabaseSync): void {
  const present = new Set(
    (
      db.prepare("PRAGMA table_info(runs)").all() as Array<{ name: string }>
    ).map((column) => column.name),
  );
  for (const [name, type] of Object.entries(addedRunColumns)) {
    if (present.has(name)) continue;
    try {
      db.exec(`ALTER TABLE runs ADD COLUMN ${name} ${type}`);
    } catch (error) {
      // Another process opening the same file may have added it a moment ago.
      if (!/duplicate column name/i.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  }
}

/**
 * Deletes the job's runs whose `expires_at` (seconds since the epoch) has passed. The embedded
 * store has no TTL of its own, so each new run of a job prunes that job's expired runs.
 */
export function deleteExpiredRuns(
  db: DatabaseSync,
  jobId: string,
  nowMs: number,
): void {
  db.prepare(
    "DELETE FROM runs WHERE job_id = $job AND expires_at IS NOT NULL AND expires_at < $now",
  ).run({
    $job: jobId,
    $now: Math.floor(nowMs / 1000),
  });
}

/** Marks the head and the holder's run `released`; call it inside a write transaction. */
export function releaseHead(
  db: DatabaseSync,
  head: Head | undefined,
  request: ReleaseRequest,
): ReleaseResult {
  if (!head) return { kind: "not_found" };
  if (head.state !== "running") return { kind: "not_running", head };
  if (!request.force && head.leaseUntilMs >= request.nowMs)
    return { kind: "lease_live", head };
  db.prepare(
    "UPDATE heads SET state = 'released', lease_until_ms = $now WHERE job_id = $job AND token = $token",
  ).run({
    $job: head.jobId,
    $token: head.token,
    $now: request.nowMs,
  });
  db.prepare(
    `UPDATE runs SET state = 'released', released_by = $node, released_ms = $now
     WHERE job_id = $job AND counter = $counter AND token = $token AND state = 'running'`,
  ).run({
    $job: head.jobId,
    $counter: head.counter,
    $token: head.token,
    $node: request.node,
    $now: request.nowMs,
  });
  return { kind: "released", head };
}
