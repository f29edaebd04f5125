import fc from "fast-check";
import { isReservable } from "../src/store/rules.js";
import type { Head, ReserveRequest } from "../src/store/types.js";

/**
 * A model of the reservation protocol on one head record, driven by the real rule isReservable:
 * contenders fired by one cron tick arrive within `spreadMs` of each other, each with its own
 * clock skew, and may lose the response of their write (the SDK retries) or crash right after
 * reserving. Writes are atomic, as DynamoDB's conditional UpdateItem is.
 */
const rangeMs = 60_000;
const leaseMs = 30_000;
const spreadMs = 5_000;

interface Contender {
  arrivalMs: number;
  skewMs: number;
  lostResponse: boolean;
  crashes: boolean;
  durationMs: number;
}

interface Holder {
  head: Head;
  realStartMs: number;
  skewMs: number;
  crashed: boolean;
  durationMs: number;
}

/** The head as a contender reads it at real time t: a live holder renews its lease by heartbeat. */
function headAt(holder: Holder | undefined, realMs: number): Head | undefined {
  if (!holder) return undefined;
  if (holder.crashed) return holder.head;
  const running = realMs < holder.realStartMs + holder.durationMs;
  if (!running) return { ...holder.head, state: "succeeded", leaseUntilMs: holder.head.startMs + holder.durationMs };
  return {
    ...holder.head,
    leaseUntilMs: Math.max(holder.head.leaseUntilMs, realMs + holder.skewMs + leaseMs - leaseMs / 3),
  };
}

/** Plays one contender's reservation; returns the new holder when its write succeeded, and whether it runs. */
function contend(
  holder: Holder | undefined,
  contender: Contender,
  index: number,
  recogniseOwnToken: boolean,
): { holder: Holder | undefined; runs: boolean } {
  const request: ReserveRequest = {
    jobId: "job",
    node: `node-${index}`,
    token: `token-${index}-${contender.arrivalMs}`,
    nowMs: contender.arrivalMs + contender.skewMs,
    rangeMs,
    leaseMs,
    allowOverlap: false,
  };
  const head = headAt(holder, contender.arrivalMs);
  if (head && !isReservable(head, request)) return { holder, runs: false };
  const next: Holder = {
    head: {
      jobId: "job",
      counter: (head?.counter ?? 0) + 1,
      node: request.node,
      token: request.token,
      startMs: request.nowMs,
      leaseUntilMs: request.nowMs + leaseMs,
      state: "running",
    },
    realStartMs: contender.arrivalMs,
    skewMs: contender.skewMs,
    crashed: contender.crashes,
    durationMs: contender.durationMs,
  };
  let won = true;
  if (contender.lostResponse) {
    // The SDK's retry fails its condition against the head it wrote itself.
    const retryHead = headAt(next, contender.arrivalMs);
    won = isReservable(retryHead!, request) || (recogniseOwnToken && retryHead!.token === request.token);
  }
  return { holder: next, runs: won && !contender.crashes };
}

const contenderArbitrary = (maxSkewMs: number) =>
  fc.record({
    arrivalMs: fc.integer({ min: 0, max: spreadMs }),
    skewMs: fc.integer({ min: -maxSkewMs, max: maxSkewMs }),
    lostResponse: fc.boolean(),
    crashes: fc.boolean(),
    durationMs: fc.integer({ min: 0, max: 3 * rangeMs }),
  });

/** A previous run, ended or crashed, that started one schedule interval (10 ranges) before the tick. */
const previousArbitrary = fc.option(
  fc.record({ crashed: fc.boolean(), skewMs: fc.integer({ min: -20_000, max: 20_000 }) }),
);

function playTick(
  previous: { crashed: boolean; skewMs: number } | null,
  contenders: Contender[],
  recogniseOwnToken: boolean,
) {
  let holder: Holder | undefined = previous
    ? {
        head: {
          jobId: "job",
          counter: 1,
          node: "old",
          token: "old",
          startMs: -10 * rangeMs + previous.skewMs,
          leaseUntilMs: -10 * rangeMs + previous.skewMs + leaseMs,
          state: "running",
        },
        realStartMs: -10 * rangeMs,
        skewMs: previous.skewMs,
        crashed: previous.crashed,
        durationMs: 1000,
      }
    : undefined;
  const order = contenders
    .map((contender, index) => ({ contender, index }))
    .sort((a, b) => a.contender.arrivalMs - b.contender.arrivalMs);
  const runs: number[] = [];
  const winners: Holder[] = [];
  for (const { contender, index } of order) {
    const before = holder;
    const step = contend(holder, contender, index, recogniseOwnToken);
    holder = step.holder;
    if (holder !== before) winners.push(holder!);
    if (step.runs) runs.push(index);
  }
  return { runs, holder, winners };
}

describe("reservation protocol model", () => {
  test("skew below range minus spread gives one run", () => {
    // Every pair of clocks differs by less than range - spread.
    const maxSkewMs = (rangeMs - spreadMs) / 2 - 1;
    fc.assert(
      fc.property(
        previousArbitrary,
        fc.array(contenderArbitrary(maxSkewMs), { minLength: 1, maxLength: 8 }),
        (previous, contenders) => {
          const { runs, winners } = playTick(previous, contenders, true);
          expect(runs.length).toBeLessThanOrEqual(1);
          expect(winners.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("healthy contender eventually runs", () => {
    const maxSkewMs = (rangeMs - spreadMs) / 2 - 1;
    fc.assert(
      fc.property(
        previousArbitrary,
        fc.array(contenderArbitrary(maxSkewMs), { minLength: 1, maxLength: 8 }),
        (previous, contenders) => {
          const { runs, holder } = playTick(previous, contenders, true);
          if (runs.length > 0) return;
          // Nobody ran, so the tick's winner crashed (or every contender did). A healthy contender
          // that comes back after the range and the lease have passed on every clock runs.
          expect(holder?.crashed ?? true).toBe(true);
          const retry: Contender = {
            arrivalMs: spreadMs + rangeMs + leaseMs + 2 * maxSkewMs + 1,
            skewMs: 0,
            lostResponse: false,
            crashes: false,
            durationMs: 0,
          };
          expect(contend(holder, retry, 99, true).runs).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("model without the token check loses runs", () => {
    // The same liveness check fails when a lost response is not recognised: the model can fail.
    const result = fc.check(
      fc.property(fc.array(contenderArbitrary(0), { minLength: 1, maxLength: 3 }), (contenders) => {
        const { runs, holder } = playTick(null, contenders, false);
        return runs.length > 0 || holder?.crashed === true;
      }),
      { numRuns: 2000 },
    );
    expect(result.failed).toBe(true);
  });

  test("skew beyond the range allows two runs", () => {
    // The rule alone cannot stop a clock more than the range off, which is why runjop checks the offset.
    const early: Contender = { arrivalMs: 0, skewMs: 0, lostResponse: false, crashes: false, durationMs: 0 };
    const skewed: Contender = {
      arrivalMs: 1000,
      skewMs: rangeMs + 1000,
      lostResponse: false,
      crashes: false,
      durationMs: 0,
    };
    expect(playTick(null, [early, skewed], true).runs).toEqual([0, 1]);
  });
});
