import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ReserveError } from "../errors.js";
import type { Logger } from "../log.js";

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

/**
 * Checks the measured offset against the range. Contenders compare the latest start with their
 * own clocks, so an offset as large as the range lets two runs start within one range.
 * Returns an error to raise when the offset surely exceeds the range, and warns above a quarter of it.
 */
export function checkOffset(
  offset: ClockOffset | undefined,
  rangeMs: number,
  jobId: string,
  logger: Logger,
): ReserveError | undefined {
  if (!offset) return undefined;
  const magnitude = Math.abs(offset.offsetMs);
  const rangeSeconds = rangeMs / 1000;
  if (magnitude - offset.errorMs > rangeMs) {
    return new ReserveError(
      `this host's clock is ${describeOffset(offset)} the store's (from DynamoDB's Date header), more than the range of ${rangeSeconds} s of job ${jobId}, so runs could overlap; the command did not run: synchronise the clock (NTP) and try again`,
    );
  }
  if (magnitude > rangeMs * warnFraction) {
    logger.warn(
      `this host's clock is ${describeOffset(offset)} the store's (from DynamoDB's Date header), more than a quarter of the range of ${rangeSeconds} s of job ${jobId}; synchronise the clock (NTP)`,
    );
  }
  return undefined;
}
