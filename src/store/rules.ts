import type { Head, ReserveRequest, RunState, TakeoverRequest } from "./types.js";

/** States after which a later attempt of the same retry identity may run the job again. */
export const retryableStates: readonly RunState[] = ["failed", "interrupted", "timed_out"];

/**
 * The reservation rule, which every store applies atomically. A contender may take the job when
 * the latest run started at least one range ago on the contender's own clock, and that run has
 * finished or its lease has lapsed (or overlap is allowed).
 *
 * Measuring the range from the latest start, rather than cutting time into fixed windows, is what
 * makes clock skew safe: contenders fired by the same cron tick reach the store within seconds,
 * and a contender whose clock is ahead by s sees the latest start as s seconds older, so a
 * second run needs (arrival gap + s) >= range. The DynamoDB store writes the same rule as a
 * ConditionExpression.
 *
 * With a schedule occurrence the range is not used: the head must carry no occurrence or an older
 * one, so each occurrence runs at most once however late its contenders arrive. `force` skips
 * the range and occurrence checks but not the lease. A later attempt of the retry identity
 * that holds the head may run after that attempt failed or its lease lapsed.
 */
export function isReservable(head: Head, request: ReserveRequest): boolean {
  if (isRetryOf(head, request)) return true;
  if (!request.force) {
    if (request.occurrenceMs !== undefined) {
      if (head.occurrenceMs !== undefined && head.occurrenceMs >= request.occurrenceMs) return false;
    } else if (head.startMs > request.nowMs - request.rangeMs) {
      return false;
    }
  }
  if (request.allowOverlap || head.state !== "running") return true;
  return head.leaseUntilMs < request.nowMs;
}

function isRetryOf(head: Head, request: ReserveRequest): boolean {
  const retry = request.retry;
  if (!retry || !head.retry) return false;
  if (head.retry.key !== retry.key || head.retry.attempt >= retry.attempt) return false;
  if (head.state === "running") return head.leaseUntilMs < request.nowMs;
  return retryableStates.includes(head.state);
}

/**
 * Checks the takeover rule: a standby may take over the head only while it carries the dead run's
 * token, is still running and its lease lapsed on the standby's clock. A run that finished, in
 * any state, is never taken over. The DynamoDB store writes the same rule as a ConditionExpression.
 */
export function canTakeOver(head: Head, request: TakeoverRequest): boolean {
  return head.token === request.holder.token && head.state === "running" && head.leaseUntilMs < request.nowMs;
}
