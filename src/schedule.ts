import { CronExpressionParser } from "cron-parser";
import { UsageError } from "./errors.js";

/**
 * Rejects a range given together with a schedule, because each occurrence of a schedule runs
 * once and no range applies. The names are the option or input names for the message.
 */
export function rejectRangeWithSchedule(
  rangeName: string,
  scheduleName: string,
  range: string | undefined,
  schedule: string | undefined,
): void {
  if (range === undefined || schedule === undefined) return;
  throw new UsageError(
    `${rangeName} and ${scheduleName} exclude each other: with ${scheduleName} each occurrence runs once, and no range applies; drop ${rangeName} '${range}'`,
  );
}

/**
 * Checks a five-field cron expression (minute hour day-of-month month day-of-week), the form that
 * crontab(5) and GitHub's `on.schedule` use, and returns it trimmed.
 */
export function validateSchedule(option: string, expression: string): string {
  const trimmed = expression.trim();
  const fields = trimmed.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    throw new UsageError(
      `invalid ${option} '${expression}': expected five cron fields (minute hour day-of-month month day-of-week), such as '30 2 * * *'`,
    );
  }
  try {
    CronExpressionParser.parse(trimmed, { tz: "UTC", strict: false });
  } catch (error) {
    throw new UsageError(
      `invalid ${option} '${expression}': ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return trimmed;
}

/** Returns the latest time at or before `nowMs` that the expression names, in milliseconds (UTC). */
export function latestOccurrence(expression: string, nowMs: number): number {
  // prev() is strictly before its start, so start 1 ms later to include an occurrence at nowMs.
  const parsed = CronExpressionParser.parse(expression, { tz: "UTC", currentDate: new Date(nowMs + 1) });
  return parsed.prev().getTime();
}

/** Returns the first time after `nowMs` that the expression names, in milliseconds (UTC). */
export function nextOccurrence(expression: string, nowMs: number): number {
  const parsed = CronExpressionParser.parse(expression, { tz: "UTC", currentDate: new Date(nowMs) });
  return parsed.next().getTime();
}
