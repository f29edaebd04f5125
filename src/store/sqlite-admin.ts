import type { DatabaseSync } from "node:sqlite";
import type { Head, ReleaseRequest, ReleaseResult } from "./types.js";

/**
 * Deletes the job's runs whose `expires_at` (seconds since the epoch) has passed. The embedded
 * store has no TTL of its own, so each new run of a job prunes that job's expired runs.
 */
export function deleteExpiredRuns(db: DatabaseSync, jobId: string, nowMs: number): void {
  db.prepare("DELETE FROM runs WHERE job_id = $job AND expires_at IS NOT NULL AND expires_at < $now").run({
    $job: jobId,
    $now: Math.floor(nowMs / 1000),
  });
}

/** Marks the head and the holder's run `released`; call it inside a write transaction. */
export function releaseHead(db: DatabaseSync, head: Head | undefined, request: ReleaseRequest): ReleaseResult {
  if (!head) return { kind: "not_found" };
  if (head.state !== "running") return { kind: "not_running", head };
  if (!request.force && head.leaseUntilMs >= request.nowMs) return { kind: "lease_live", head };
  db.prepare("UPDATE heads SET state = 'released', lease_until_ms = $now WHERE job_id = $job AND token = $token").run({
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
