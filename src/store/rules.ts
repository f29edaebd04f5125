import type { Head, ReserveRequest } from "./types.js";

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
 */
export function isReservable(head: Head, request: ReserveRequest): boolean {
  if (head.startMs > request.nowMs - request.rangeMs) return false;
  if (request.allowOverlap || head.state !== "running") return true;
  return head.leaseUntilMs < request.nowMs;
}
