import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ReserveError } from "../errors.js";
import type { Logger } from "../log.js";
import { formatUtc } from "./types.js";

/** An estimate of this host's clock minus the store's clock. */
export interface ClockOffset {
  /** Milliseconds this host's clock is ahead of the store's; negative when it is behind. */
  offsetMs: number;
  /** Half-width of the estimate in milliseconds: 500 for the Date header's whole seconds, plus half the round trip. */
  errorMs: number;
}

/** Fraction of the range above which the offset gets a warning. */
export const warnFraction = 0.25;

/**
 * Measures this host's clock against the store's from the HTTP Date header of each response.
 * The header has whole seconds, so the server's time lies in [Date, Date + 1 s); the estimate
 * takes its middle and compares it with the middle of the request on this host's clock.
 */
export class StoreClock {
  private best: ClockOffset | undefined;

  /** Adds a middleware to the client that samples every response, one per attempt. */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const sentMs = Date.now();
        const result = await next(args);
        const receivedMs = Date.now();
        const headers = (result.response as { headers?: Record<string, string> }).headers ?? {};
        this.addSample(headers.date ?? headers.Date, sentMs, receivedMs);
        return result;
      },
      // Low priority in the deserialize step runs inside the deserializer, so error answers are sampled too.
      { step: "deserialize", priority: "low", name: "runjopStoreClock" },
    );
  }

  addSample(date: string | undefined, sentMs: number, receivedMs: number): void {
    const serverSecondMs = date ? Date.parse(date) : NaN;
    if (Number.isNaN(serverSecondMs)) return;
    const sample = {
      offsetMs: Math.round((sentMs + receivedMs) / 2 - (serverSecondMs + 500)),
      errorMs: 500 + Math.ceil((receivedMs - sentMs) / 2),
    };
    // The sample with the shortest round trip is the most precise.
    if (!this.best || sample.errorMs <= this.best.errorMs) this.best = sample;
  }

  /** The most precise estimate so far, or undefined before the first response with a Date header. */
  offset(): ClockOffset | undefined {
    return this.best;
  }
}

/** Describes an offset as "12.3 s ahead of" or "4.0 s behind", for messages. */
export function describeOffset(offset: ClockOffset): string {
  const seconds = (Math.abs(offset.offsetMs) / 1000).toFixed(1);
  const error = (offset.errorMs / 1000).toFixed(1);
  return `${seconds} s (±${error} s) ${offset.offsetMs >= 0 ? "ahead of" : "behind"}`;
}

/** The parts of a reservation that the clock check reads. */
export interface ClockCheckRequest {
  jobId: string;
  rangeMs: number;
  leaseMs: number;
  /** The schedule occurrence reserved, when the job has a schedule. */
  occurrenceMs?: number;
  /** The schedule's next occurrence after occurrenceMs. */
  nextOccurrenceMs?: number;
}

/** The clock check's verdict on a won reservation: an error to raise, or the time the command may start. */
export type ClockVerdict =
  | { error: ReserveError }
  | {
      /** Time on this host's clock before which the command must not start; undefined when it may start now. */
      startAfterMs?: number;
    };

/** Maximum wait, in milliseconds, for a reserved occurrence that has not started yet on the store's clock. */
export const maxOccurrenceWaitMs = 5000;

/**
 * Checks the measured offset after a reservation, and returns an error to raise or the time
 * before which the command must not start.
 *
 * Without a schedule, contenders compare the latest start with their own clocks, so an offset as
 * large as the range lets two runs start within one range. The check raises when the offset
 * surely exceeds the range, and warns above a quarter of it.
 *
 * With a schedule the range is not used, and the hazard is a fast clock. A host ahead of the
 * others reaches the next occurrence first and takes it, so it would run early. Cron starts a
 * host's job at its own minute, so a host that is only 1 s ahead reaches every occurrence before
 * the store's clock does. The check therefore compares the time until the occurrence starts on
 * the store's clock with a bound: the smallest of 5 s, a quarter of the time between the
 * occurrence and the next, and a third of the lease. Within the bound the reservation is kept,
 * one warning names the offset, and the command starts once the occurrence has started on the
 * store's clock plus the estimate's error. The other hosts see the occurrence reserved and skip
 * it, as after any run. Beyond the bound the check raises, so that the hosts whose clocks are
 * right run the occurrence. A correct host whose reservation arrives between this write and its
 * roll-back skips the occurrence. The third of the lease keeps the wait shorter than the time
 * left before the first lease renewal is due. A slow clock cannot run an occurrence twice, so it
 * only gets a warning when the offset exceeds a quarter of the time between occurrences.
 */
export function checkOffset(offset: ClockOffset | undefined, request: ClockCheckRequest, logger: Logger): ClockVerdict {
  if (!offset) return {};
  const measured = `this host's clock is ${describeOffset(offset)} the store's (from DynamoDB's Date header)`;
  if (request.occurrenceMs !== undefined)
    return checkScheduledOffset(offset, { ...request, occurrenceMs: request.occurrenceMs }, measured, logger);

  const magnitude = Math.abs(offset.offsetMs);
  const rangeSeconds = request.rangeMs / 1000;
  if (magnitude - offset.errorMs > request.rangeMs) {
    return {
      error: new ReserveError(
        `${measured}, more than the range of ${rangeSeconds} s of job ${request.jobId}, so runs could overlap; the command did not run: synchronise the clock (NTP) and try again`,
      ),
    };
  }
  if (magnitude > request.rangeMs * warnFraction) {
    logger.warn(
      `${measured}, more than a quarter of the range of ${rangeSeconds} s of job ${request.jobId}; synchronise the clock (NTP)`,
    );
  }
  return {};
}

function checkScheduledOffset(
  offset: ClockOffset,
  request: ClockCheckRequest & { occurrenceMs: number },
  measured: string,
  logger: Logger,
): ClockVerdict {
  const nowMs = Date.now();
  const startsInMs = request.occurrenceMs - (nowMs - offset.offsetMs);
  // On this host's clock, the time at which the occurrence has surely started on the store's clock.
  const startAfterMs = request.occurrenceMs + offset.offsetMs + offset.errorMs;
  const intervalMs =
    request.nextOccurrenceMs === undefined ? undefined : request.nextOccurrenceMs - request.occurrenceMs;
  const boundMs = Math.min(maxOccurrenceWaitMs, (intervalMs ?? Infinity) * warnFraction, request.leaseMs / 3);
  const occurrence = `the occurrence of ${formatUtc(request.occurrenceMs)} UTC of job ${request.jobId}`;
  const startsIn = `starts in ${(startsInMs / 1000).toFixed(1)} s on the store's clock`;

  if (startsInMs > boundMs) {
    return {
      error: new ReserveError(
        `${measured}, so ${occurrence} ${startsIn}, later than the maximum wait of ${boundMs / 1000} s; the command did not run, so that the hosts with a correct clock run it: synchronise the clock (NTP) and try again`,
      ),
    };
  }
  if (startsInMs > 0) {
    logger.warn(
      `${measured}, so ${occurrence} ${startsIn}; waiting ${((startAfterMs - nowMs) / 1000).toFixed(1)} s before the command starts: synchronise the clock (NTP)`,
    );
    return { startAfterMs };
  }
  if (intervalMs !== undefined && Math.abs(offset.offsetMs) > intervalMs * warnFraction) {
    logger.warn(
      `${measured}, more than a quarter of the ${intervalMs / 1000} s between occurrences of job ${request.jobId}; synchronise the clock (NTP)`,
    );
  }
  // Within the estimate's error the occurrence may not have started yet, so the command waits out that error.
  return startAfterMs > nowMs ? { startAfterMs } : {};
}

/**
 * Time by which a recorded start may lie ahead of the reader's clock before `check` and `status`
 * report it as a start in the future. Such a start comes from a host whose clock was ahead, and
 * it blocks the job, because the other contenders compare it with their own clocks.
 */
export const futureStartToleranceMs = 30_000;
