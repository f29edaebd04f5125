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
  /** This host's time when it reserved, in milliseconds. */
  nowMs: number;
  rangeMs: number;
  /** The schedule occurrence reserved, when the job has a schedule. */
  occurrenceMs?: number;
  /** The schedule's next occurrence after occurrenceMs. */
  nextOccurrenceMs?: number;
}

/**
 * Checks the measured offset after a reservation and returns an error to raise, or undefined.
 *
 * Without a schedule, contenders compare the latest start with their own clocks, so an offset as
 * large as the range lets two runs start within one range. The check raises when the offset
 * surely exceeds the range, and warns above a quarter of it.
 *
 * With a schedule the range is not used, and the hazard is a fast clock. A host ahead of the
 * others reaches the next occurrence first and takes it, so it runs early and the hosts whose
 * clocks are right skip that occurrence. The check raises when the reserved occurrence surely
 * has not started yet on the store's clock, so no run starts more than the estimate's error
 * before its occurrence, whatever the interval. A correct host whose reservation arrives between
 * this write and its roll-back skips the occurrence. A slow clock cannot run an occurrence
 * twice, so it only gets a warning when the offset exceeds a quarter of the time between the
 * occurrence and the next.
 */
export function checkOffset(
  offset: ClockOffset | undefined,
  request: ClockCheckRequest,
  logger: Logger,
): ReserveError | undefined {
  if (!offset) return undefined;
  const measured = `this host's clock is ${describeOffset(offset)} the store's (from DynamoDB's Date header)`;
  if (request.occurrenceMs !== undefined)
    return checkScheduledOffset(offset, { ...request, occurrenceMs: request.occurrenceMs }, measured, logger);

  const magnitude = Math.abs(offset.offsetMs);
  const rangeSeconds = request.rangeMs / 1000;
  if (magnitude - offset.errorMs > request.rangeMs) {
    return new ReserveError(
      `${measured}, more than the range of ${rangeSeconds} s of job ${request.jobId}, so runs could overlap; the command did not run: synchronise the clock (NTP) and try again`,
    );
  }
  if (magnitude > request.rangeMs * warnFraction) {
    logger.warn(
      `${measured}, more than a quarter of the range of ${rangeSeconds} s of job ${request.jobId}; synchronise the clock (NTP)`,
    );
  }
  return undefined;
}

function checkScheduledOffset(
  offset: ClockOffset,
  request: ClockCheckRequest & { occurrenceMs: number },
  measured: string,
  logger: Logger,
): ReserveError | undefined {
  const storeNowMs = request.nowMs - offset.offsetMs;
  const startsInMs = request.occurrenceMs - storeNowMs;
  // Beyond the estimate's error the occurrence surely lies ahead of the store's clock.
  if (startsInMs > offset.errorMs) {
    return new ReserveError(
      `${measured}, so the occurrence of ${formatUtc(request.occurrenceMs)} UTC of job ${request.jobId} starts in ${(startsInMs / 1000).toFixed(1)} s on the store's clock; the command did not run, so that the hosts with a correct clock run it: synchronise the clock (NTP) and try again`,
    );
  }
  if (request.nextOccurrenceMs === undefined) return undefined;
  const intervalMs = request.nextOccurrenceMs - request.occurrenceMs;
  if (Math.abs(offset.offsetMs) > intervalMs * warnFraction) {
    logger.warn(
      `${measured}, more than a quarter of the ${intervalMs / 1000} s between occurrences of job ${request.jobId}; synchronise the clock (NTP)`,
    );
  }
  return undefined;
}

/**
 * Time by which a recorded start may lie ahead of the reader's clock before `check` and `status`
 * report it as a start in the future. Such a start comes from a host whose clock was ahead, and
 * it blocks the job, because the other contenders compare it with their own clocks.
 */
export const futureStartToleranceMs = 30_000;
