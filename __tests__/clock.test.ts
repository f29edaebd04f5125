import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { jobItems, runRows, tableClient } from "./helpers/table.js";

/** libfaketime from Debian's faketime package; .ci/run installs it. */
const libfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

let dynamo: RunningServer;
let proxy: FaultProxy;
let client: DynamoDBClient;
const table = "clocks";

beforeAll(async () => {
  dynamo = await startDynalite();
  proxy = await startFaultProxy(dynamo.url);
  client = tableClient(dynamo.url);
  const setup = await runCli(["--table", table, "--endpoint-url", dynamo.url, "--id", "setup", "true"], {
    env: cliEnv(awsTestEnv()),
  });
  expect(setup.code).toBe(0);
});

beforeEach(() => proxy.reset());

afterAll(async () => {
  client.destroy();
  await proxy.close();
  await dynamo.close();
});

/** Environment of a runjop process whose clock is shifted by offsetSeconds with libfaketime. */
function skewedEnv(offsetSeconds: number): NodeJS.ProcessEnv {
  if (offsetSeconds === 0) return cliEnv(awsTestEnv());
  const sign = offsetSeconds > 0 ? "+" : "";
  return cliEnv(
    awsTestEnv({ LD_PRELOAD: libfaketime, FAKETIME: `${sign}${offsetSeconds}s`, FAKETIME_DONT_FAKE_MONOTONIC: "1" }),
  );
}

async function contend(id: string, node: string, offsetSeconds: number, extra: string[] = [], endpoint = dynamo.url) {
  const marker = join(tempDir(), "ran");
  const result = await runCli(
    ["--table", table, "--endpoint-url", endpoint, "--id", id, "--node", node, ...extra, `touch ${marker}`],
    { env: skewedEnv(offsetSeconds) },
  );
  return { ...result, ran: existsSync(marker) };
}

describe("clock skew between hosts", () => {
  test("faketime shifts the clock of runjop's Node", async () => {
    const result = await runCli(["--version"], { env: skewedEnv(3600) });
    expect(result.code).toBe(0);
    const shifted = await new Promise<string>((resolve) => {
      import("node:child_process").then(({ execFile }) =>
        execFile(
          process.execPath,
          ["-e", "process.stdout.write(String(Date.now()))"],
          { env: skewedEnv(3600) },
          (_error, stdout) => resolve(stdout),
        ),
      );
    });
    expect(Number(shifted) - Date.now()).toBeGreaterThan(3590 * 1000);
  });

  test("hosts skewed by less than the range run once", async () => {
    // Range 10 s; the second host's clock is 6 s ahead, and it starts right after the first.
    const behind = await contend("skew-within", "behind", 0, ["--range", "10"]);
    const ahead = await contend("skew-within", "ahead", 6, ["--range", "10"]);
    expect(behind.ran).toBe(true);
    expect(ahead.code).toBe(0);
    expect(ahead.ran).toBe(false);
    expect(ahead.stderr).toContain("more than a quarter of the range of 10 s");
    expect((await runRows(client, table, "skew-within")).map((row) => row[1])).toEqual(["behind"]);
  });

  test("skewed hosts racing at once run once", async () => {
    const results = await Promise.all(
      [-2, 0, 3, 6].map((offset, index) => contend("skew-race", `host-${index}`, offset, ["--range", "10"])),
    );
    expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0]);
    expect(results.filter((result) => result.ran)).toHaveLength(1);
    expect(await runRows(client, table, "skew-race")).toHaveLength(1);
  });

  test("host off by twice the range is rejected", async () => {
    const first = await contend("skew-refused", "synced", 0, ["--range", "10"]);
    expect(first.ran).toBe(true);
    const headBefore = (await jobItems(client, table, "skew-refused")).find((item) => item.counter.N === "0");
    // 20 s ahead: without the check this host sees the first run as 20 s old and runs.
    const far = await contend("skew-refused", "far", 20, ["--range", "10"]);
    expect(far.code).toBe(75);
    expect(far.ran).toBe(false);
    expect(far.stderr).toMatch(
      /this host's clock is (19|2\d)\.\d s \(±\d\.\d s\) ahead of the store's .* more than the range of 10 s of job skew-refused/,
    );
    expect(far.stderr).toContain("released the reservation of job skew-refused");
    const headAfter = (await jobItems(client, table, "skew-refused")).find((item) => item.counter.N === "0");
    expect(headAfter).toEqual(headBefore);
    expect(await runRows(client, table, "skew-refused")).toEqual([["1", "synced", "succeeded"]]);
  });

  test("host far behind on a new job is rejected", async () => {
    const far = await contend("skew-behind", "far", -30, ["--range", "10"]);
    expect(far.code).toBe(75);
    expect(far.ran).toBe(false);
    expect(far.stderr).toMatch(/this host's clock is (29|3\d)\.\d s \(±\d\.\d s\) behind the store's/);
    // The head it wrote is deleted, so a synchronised host runs at once.
    expect(await jobItems(client, table, "skew-behind")).toEqual([]);
    const synced = await contend("skew-behind", "synced", 0, ["--range", "10"]);
    expect(synced.ran).toBe(true);
  });
});

describe("late reservation answer", () => {
  test("answer later than the range does not run", async () => {
    proxy.addRule({ operation: "UpdateItem", times: 1, fault: { kind: "delayResponse", ms: 2500 } });
    const late = await contend("late", "late", 0, ["--range", "2"], proxy.url);
    expect(late.code).toBe(75);
    expect(late.ran).toBe(false);
    expect(late.stderr).toMatch(/the reservation of job late was answered after 2\.\d s, more than its range of 2 s/);
    expect(await runRows(client, table, "late")).toEqual([["1", "late", "abandoned"]]);
    // Its lease ended, so the next contender runs at once.
    const next = await contend("late", "next", 0, ["--range", "2"]);
    expect(next.ran).toBe(true);
  });

  test("answer within the range runs", async () => {
    proxy.addRule({ operation: "UpdateItem", times: 1, fault: { kind: "delayResponse", ms: 1000 } });
    const result = await contend("in-time", "slow", 0, ["--range", "3"], proxy.url);
    expect(result.code).toBe(0);
    expect(result.ran).toBe(true);
  });
});

describe("clock skew with a schedule", () => {
  const everyMinute = ["--schedule", "* * * * *"];
  const minuteMs = 60_000;

  test("fast host does not take the next occurrence", async () => {
    // 150 s ahead, this host's latest occurrence is at least 90 s in the store's future.
    const early = await contend("sched-fast", "fast", 150, everyMinute, proxy.url);
    expect(early.code).toBe(75);
    expect(early.ran).toBe(false);
    expect(early.stderr).toMatch(
      /this host's clock is 1[45]\d\.\d s \(±\d\.\d s\) ahead of the store's \(from DynamoDB's Date header\), so the occurrence of \d{4}-\d\d-\d\d \d\d:\d\d:00 UTC of job sched-fast starts in \d+\.\d s on the store's clock, later than the maximum wait of 5 s; the command did not run/,
    );
    expect(early.stderr).not.toContain("range");
    // The head it wrote is deleted, so the correct host takes the current occurrence.
    expect(await jobItems(client, table, "sched-fast")).toEqual([]);

    const beforeMs = Date.now();
    const correct = await contend("sched-fast", "correct", 0, everyMinute, proxy.url);
    const afterMs = Date.now();
    expect(correct.code).toBe(0);
    expect(correct.ran).toBe(true);
    const head = (await jobItems(client, table, "sched-fast")).find((item) => item.counter.N === "0")!;
    const occurrenceMs = Number(head.occurrence_ms.N);
    expect(occurrenceMs).toBeGreaterThanOrEqual(Math.floor(beforeMs / minuteMs) * minuteMs);
    expect(occurrenceMs).toBeLessThanOrEqual(Math.floor(afterMs / minuteMs) * minuteMs);

    // After the correct host ran, the fast host still cannot take a later occurrence.
    const again = await contend("sched-fast", "fast", 150, everyMinute, proxy.url);
    expect(again.code).toBe(75);
    expect(again.ran).toBe(false);
    const headAfter = (await jobItems(client, table, "sched-fast")).find((item) => item.counter.N === "0");
    expect(headAfter).toEqual(head);
    expect(await runRows(client, table, "sched-fast")).toEqual([["1", "correct", "succeeded"]]);
  });

  test("host 2 s fast waits for the occurrence", async () => {
    // Time from spawning runjop to its UpdateItem reaching the proxy, measured on a job without a schedule.
    const arrivals: number[] = [];
    proxy.addRule({
      operation: "UpdateItem",
      fault: { kind: "delay", ms: 0 },
      when: () => {
        arrivals.push(Date.now());
        return false;
      },
    });
    const warmUpStartMs = Date.now();
    const warmUp = await contend("sched-wait-warm-up", "warm-up", 0, ["--range", "10"], proxy.url);
    expect(warmUp.code).toBe(0);
    // The first UpdateItem is the reservation, and the others record the run.
    expect(arrivals.length).toBeGreaterThan(0);
    const startupMs = arrivals[0] - warmUpStartMs;
    arrivals.length = 0;

    // The proxy shifts the store's clock so that the reservation reaches it 1 s before a minute
    // starts, in the middle of the 2 s in which this host's clock has already passed that minute.
    const spawnMs = Date.now();
    const arrivalMs = spawnMs + startupMs;
    const occurrenceMs = Math.ceil(arrivalMs / minuteMs) * minuteMs + minuteMs;
    proxy.dateShiftMs = occurrenceMs - 1000 - arrivalMs;
    const startFile = join(tempDir(), "started");
    const fast = await runCli(
      [
        ...["--table", table, "--endpoint-url", proxy.url, "--id", "sched-wait", "--node", "fast", ...everyMinute],
        `env -u LD_PRELOAD date +%s%3N > ${startFile}`,
      ],
      { env: skewedEnv((proxy.dateShiftMs + 2000) / 1000) },
    );
    const reservedAtStoreMs = arrivals[0] + proxy.dateShiftMs;
    expect(reservedAtStoreMs).toBeGreaterThan(occurrenceMs - 2000);
    expect(reservedAtStoreMs).toBeLessThan(occurrenceMs);
    expect(fast.code).toBe(0);
    const warnings = fast.stderr.split("\n").filter((line) => line.startsWith("runjop: warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^runjop: warning: this host's clock is [123]\.\d s \(±0\.\d s\) ahead of the store's \(from DynamoDB's Date header\), so the occurrence of \d{4}-\d\d-\d\d \d\d:\d\d:00 UTC of job sched-wait starts in [0-2]\.\d s on the store's clock; waiting [0-3]\.\d s before the command starts/,
    );
    const commandStartedAtStoreMs = Number(readFileSync(startFile, "utf8")) + proxy.dateShiftMs;
    expect(commandStartedAtStoreMs).toBeGreaterThanOrEqual(occurrenceMs);
    expect(commandStartedAtStoreMs).toBeLessThan(occurrenceMs + 4000);
    const head = (await jobItems(client, table, "sched-wait")).find((item) => item.counter.N === "0")!;
    expect(Number(head.occurrence_ms.N)).toBe(occurrenceMs);

    // A host whose clock agrees with the store's finds the occurrence reserved and skips it.
    const correct = await contend("sched-wait", "correct", proxy.dateShiftMs / 1000, everyMinute, proxy.url);
    expect(correct.code).toBe(0);
    expect(correct.ran).toBe(false);
    expect(await runRows(client, table, "sched-wait")).toEqual([["1", "fast", "succeeded"]]);
  });

  test("slow host is warned against the interval", async () => {
    const slow = await contend("sched-slow", "slow", -20, everyMinute, proxy.url);
    expect(slow.code).toBe(0);
    expect(slow.ran).toBe(true);
    expect(slow.stderr).toMatch(
      /this host's clock is (19|2\d)\.\d s \(±\d\.\d s\) behind the store's .*, more than a quarter of the 60 s between occurrences of job sched-slow/,
    );
    expect(slow.stderr).not.toContain("range");
  });
});

describe("run that starts in the future", () => {
  test("check and status report the block", async () => {
    const store = ["--store-path", join(tempDir(), "store.sqlite")];
    const job = [...store, "--id", "future", "--range", "1"];
    const ahead = await runCli([...job, "--node", "fast", "true"], { env: skewedEnv(3 * 86400) });
    expect(ahead.code).toBe(0);

    const marker = join(tempDir(), "ran");
    const blocked = await runCli([...job, "--node", "right", `touch ${marker}`], { env: skewedEnv(0) });
    expect(blocked.code).toBe(0);
    expect(existsSync(marker)).toBe(false);

    const expected =
      /^not ok: the latest run of job future starts in the future: run 1 on node fast, started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 2 d 23 h\), succeeded; the clock of node fast was ahead, and the job is blocked until then/;
    const within = await runCli(["check", ...store, "--id", "future", "--within", "60"], { env: skewedEnv(0) });
    expect(within.code).toBe(1);
    expect(within.stdout).toMatch(expected);
    const scheduled = await runCli(["check", ...store, "--id", "future", "--schedule", "* * * * *"], {
      env: skewedEnv(0),
    });
    expect(scheduled.code).toBe(1);
    expect(scheduled.stdout).toMatch(expected);

    const status = await runCli(["status", ...job], { env: skewedEnv(0) });
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(
      /clock: +run 1 starts in the future because the clock of node fast was ahead, and this blocks the job/,
    );
  });
});
