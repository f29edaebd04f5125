import { DynamoDBClient, QueryCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { githubEnv, runAction, type ActionResult } from "./helpers/action.js";
import { tempDir } from "./helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { awsTestEnv, s3AwsEnv, startDynalite, startS3rver, type RunningServer } from "./helpers/servers.js";

let dynamo: RunningServer;
let client: DynamoDBClient;
// The schedule tests run the action under faketime, and runjop compares its clock with the
// store's Date header, so the proxy reports the store's time as each request's signing time.
let sameClock: FaultProxy;
const table = "action";

beforeAll(async () => {
  dynamo = await startDynalite();
  sameClock = await startFaultProxy(dynamo.url);
  sameClock.dateFromSigningTime = true;
  client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});

afterAll(async () => {
  client.destroy();
  await sameClock.close();
  await dynamo.close();
});

/** Inputs that point the action at the test's dynalite. */
function storeInputs(id: string): Record<string, string> {
  return { id, table, "endpoint-url": sameClock.url };
}

/** Items of a job by counter: 0 is the head, 1, 2, ... the runs. */
async function items(id: string): Promise<Map<number, Record<string, AttributeValue>>> {
  const output = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "job_id = :id",
      ExpressionAttributeValues: { ":id": { S: id } },
      ConsistentRead: true,
    }),
  );
  return new Map((output.Items ?? []).map((item) => [Number(item.counter.N), item]));
}

function errorLines(result: ActionResult): string[] {
  return result.stdout.split("\n").filter((line) => line.startsWith("::error::"));
}

const everyQuarterHour = { schedule: "*/15 * * * *" };

describe("action in run mode", () => {
  test("three repositories racing: one runs", async () => {
    const out = join(tempDir(), "runs.txt");
    writeFileSync(out, "");
    const repositories = ["org/alpha", "org/beta", "org/gamma"];
    const results = await Promise.all(
      repositories.map((repository, index) =>
        runAction("main", {
          inputs: { ...storeInputs("race"), run: `echo "$RUNJOP_NODE" >> ${out}` },
          env: { ...awsTestEnv(), ...githubEnv(repository, String(100 + index)) },
        }),
      ),
    );

    expect(results.map((result) => result.code)).toEqual([0, 0, 0]);
    const lines = readFileSync(out, "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    const winners = results.filter((result) => result.outputs.executed === "true");
    const losers = results.filter((result) => result.outputs.executed === "false");
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(2);

    const winner = winners[0];
    expect(winner.outputs.node).toBe(lines[0]);
    expect(winner.outputs.node).toMatch(/^org\/(alpha|beta|gamma)#10\d\.1@runner-(alpha|beta|gamma)$/);
    expect(winner.outputs.counter).toBe("1");
    expect(winner.outputs["exit-code"]).toBe("0");
    expect(winner.outputs.reason).toMatch(/^ran job race as run 1: succeeded, exit status 0/);
    expect(winner.outputs["log-url"]).toBeUndefined();
    expect(winner.summary).toContain("<table>");
    expect(winner.summary).toContain(`<td>${lines[0]}</td>`);

    for (const loser of losers) {
      expect(loser.outputs.node).toBe(winner.outputs.node);
      expect(loser.outputs.counter).toBe("1");
      expect(loser.outputs["exit-code"]).toBeUndefined();
      expect(loser.outputs.reason).toMatch(
        /^skipped job race: node \S+ holds it with run 1, started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/,
      );
      expect(loser.stdout.split("\n").filter((line) => line.startsWith("runjop: skipped job race"))).toHaveLength(1);
      expect(loser.summary).toContain("skipped job race");
    }
    const log = await items("race");
    expect(log.get(1)?.state.S).toBe("succeeded");
    expect(log.get(1)?.node.S).toBe(winner.outputs.node);
    expect(log.has(2)).toBe(false);
  });

  test("failing command fails the step with its status", async () => {
    const result = await runAction("main", {
      inputs: { ...storeInputs("failing"), run: "echo before\nexit 7\necho after" },
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "200") },
    });
    expect(result.code).toBe(7);
    expect(result.stdout).toContain("\nbefore\n");
    expect(result.stdout).not.toContain("\nafter\n");
    expect(errorLines(result)).toEqual(["::error::job failing: the command failed with exit status 7"]);
    expect(result.outputs.executed).toBe("true");
    expect(result.outputs["exit-code"]).toBe("7");
    const log = await items("failing");
    expect(log.get(1)?.state.S).toBe("failed");
    expect(log.get(1)?.exit_code.N).toBe("7");
  });

  test("bash stops at a failing pipeline stage", async () => {
    const result = await runAction("main", {
      inputs: { ...storeInputs("pipefail"), run: "false | cat\necho after" },
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "210") },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain("\nafter\n");
  });

  test("runs in working-directory with the sh shell", async () => {
    const folder = tempDir();
    const result = await runAction("main", {
      inputs: { ...storeInputs("cwd"), run: "pwd", shell: "sh", "working-directory": folder },
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "220") },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${folder}\n`);
  });

  test("force runs within the range and is recorded", async () => {
    const env = { ...awsTestEnv(), ...githubEnv("org/alpha", "300") };
    const first = await runAction("main", { inputs: { ...storeInputs("forced"), run: "true" }, env });
    const skipped = await runAction("main", {
      inputs: { ...storeInputs("forced"), run: "true" },
      env: { ...env, GITHUB_RUN_ID: "301" },
    });
    const forced = await runAction("main", {
      inputs: { ...storeInputs("forced"), run: "true", force: "true" },
      env: { ...env, GITHUB_RUN_ID: "302" },
    });
    expect(first.outputs.executed).toBe("true");
    expect(skipped.outputs.executed).toBe("false");
    expect(forced.outputs.executed).toBe("true");
    expect(forced.outputs.counter).toBe("2");
    const log = await items("forced");
    expect(log.get(1)?.forced).toBeUndefined();
    expect(log.get(2)?.forced?.BOOL).toBe(true);
    expect(forced.summary).toContain("<td>yes</td>");
    // Empty cells, such as Forced of run 1 and Occurrence of every run, are closed.
    expect(forced.summary).toContain("<td></td>");
    expect(forced.summary).not.toMatch(/<td><t[dh]>|<td><\/tr>/);
  });
});

describe("action on schedule events", () => {
  const run = (repository: string, fakeTime: string, out: string) =>
    runAction("main", {
      inputs: { ...storeInputs("nightly"), run: `echo "$RUNJOP_COUNTER $RUNJOP_NODE" >> ${out}`, range: "60" },
      env: {
        ...awsTestEnv(),
        ...githubEnv(repository, String(Date.parse(fakeTime.replace(" ", "T") + "Z")), "1", {
          GITHUB_EVENT_NAME: "schedule",
        }),
      },
      event: everyQuarterHour,
      fakeTime,
    });

  test("late arrivals run one occurrence once, the next occurrence again", async () => {
    const out = join(tempDir(), "runs.txt");
    writeFileSync(out, "");
    // Three repositories start the 10:00 occurrence minutes apart; the range of 60 s alone would let all three run.
    const early = await run("org/alpha", "2026-12-04 10:00:40", out);
    const late = await run("org/beta", "2026-12-04 10:06:00", out);
    const later = await run("org/gamma", "2026-12-04 10:14:50", out);
    expect(early.outputs.executed).toBe("true");
    expect(late.outputs.executed).toBe("false");
    expect(later.outputs.executed).toBe("false");
    expect(late.outputs.reason).toContain("for the occurrence of 2026-12-04 10:00:00 UTC");
    expect(later.outputs.node).toBe(early.outputs.node);

    const next = await run("org/beta", "2026-12-04 10:15:05", out);
    const nextLate = await run("org/gamma", "2026-12-04 10:29:00", out);
    // A clock behind by a minute computes the 10:00 occurrence, which already ran.
    const skewed = await run("org/alpha", "2026-12-04 10:14:30", out);
    expect(next.outputs.executed).toBe("true");
    expect(next.outputs.counter).toBe("2");
    expect(nextLate.outputs.executed).toBe("false");
    expect(skewed.outputs.executed).toBe("false");

    const lines = readFileSync(out, "utf8").split("\n").filter(Boolean);
    expect(lines).toEqual([`1 ${early.outputs.node}`, `2 ${next.outputs.node}`]);
    const log = await items("nightly");
    expect(log.get(0)?.occurrence_ms.N).toBe(String(Date.parse("2026-12-04T10:15:00Z")));
    expect(log.get(1)?.occurrence_ms.N).toBe(String(Date.parse("2026-12-04T10:00:00Z")));
    expect(log.has(3)).toBe(false);
  });

  test("schedule input works on other events", async () => {
    const inputs = { ...storeInputs("dispatch-schedule"), run: "true", schedule: "0 3 * * *" };
    const first = await runAction("main", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "400") },
      fakeTime: "2026-12-04 03:20:00",
    });
    const second = await runAction("main", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/beta", "401") },
      fakeTime: "2026-12-04 09:00:00",
    });
    expect(first.outputs.executed).toBe("true");
    expect(second.outputs.executed).toBe("false");
    expect(second.outputs.reason).toContain("for the occurrence of 2026-12-04 03:00:00 UTC (0 3 * * *)");
  });
});

describe("action in gate mode", () => {
  test("post step records the outcome of the holder only", async () => {
    const inputs = storeInputs("gate");
    const winner = await runAction("main", { inputs, env: { ...awsTestEnv(), ...githubEnv("org/alpha", "500") } });
    const loser = await runAction("main", { inputs, env: { ...awsTestEnv(), ...githubEnv("org/beta", "501") } });
    expect(winner.code).toBe(0);
    expect(winner.outputs.executed).toBe("true");
    expect(winner.outputs.counter).toBe("1");
    expect(winner.outputs["exit-code"]).toBeUndefined();
    expect(loser.outputs.executed).toBe("false");
    expect(loser.outputs.node).toBe(winner.outputs.node);
    expect(Object.keys(loser.state)).toEqual([]);
    expect((await items("gate")).get(1)?.state.S).toBe("running");

    const loserPost = await runAction("post", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/beta", "501") },
      state: loser.state,
    });
    expect(loserPost.code).toBe(0);
    expect((await items("gate")).get(1)?.state.S).toBe("running");

    // A post step with a forged token changes neither the head nor the run.
    const forgedState = Object.fromEntries(
      Object.entries(winner.state).map(([key, value]) => [key, value.replace(/"token":"[^"]+"/, '"token":"forged"')]),
    );
    expect(forgedState).not.toEqual(winner.state);
    const forgedPost = await runAction("post", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "500") },
      state: forgedState,
    });
    expect(forgedPost.code).toBe(0);
    expect(forgedPost.stdout).toContain(
      "::warning::run 1 of job gate carries another contender's token; its outcome was not recorded",
    );
    expect(forgedPost.stdout).not.toContain("recorded run 1");
    expect((await items("gate")).get(1)?.state.S).toBe("running");
    expect((await items("gate")).get(0)?.state.S).toBe("running");

    const winnerPost = await runAction("post", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "500") },
      state: winner.state,
    });
    expect(winnerPost.code).toBe(0);
    expect(winnerPost.stdout).toContain("recorded run 1 of job gate as completed");
    const log = await items("gate");
    expect(log.get(1)?.state.S).toBe("completed");
    expect(log.get(1)?.exit_code).toBeUndefined();
    expect(Number(log.get(1)?.duration_ms.N)).toBeGreaterThanOrEqual(0);
    expect(log.get(0)?.state.S).toBe("completed");
    expect(winnerPost.summary).toContain("<td>completed</td>");
  });

  test("failed attempt may be retried by the same workflow run", async () => {
    const inputs = storeInputs("retry");
    const first = await runAction("main", { inputs, env: { ...awsTestEnv(), ...githubEnv("org/alpha", "600") } });
    await runAction("post", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "600"), RUNJOP_OUTCOME: "failure" },
      state: first.state,
    });
    expect((await items("retry")).get(1)?.state.S).toBe("failed");

    // Another job of the same attempt (a matrix) and another repository's run still skip.
    const sameAttempt = await runAction("main", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "600", "1") },
    });
    const otherRun = await runAction("main", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/beta", "601", "2") },
    });
    const retry = await runAction("main", { inputs, env: { ...awsTestEnv(), ...githubEnv("org/alpha", "600", "2") } });
    expect(sameAttempt.outputs.executed).toBe("false");
    expect(otherRun.outputs.executed).toBe("false");
    expect(retry.outputs.executed).toBe("true");
    expect(retry.outputs.counter).toBe("2");

    await runAction("post", {
      inputs,
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "600", "2"), RUNJOP_OUTCOME: "success" },
      state: retry.state,
    });
    const log = await items("retry");
    expect(log.get(2)?.state.S).toBe("succeeded");
    expect(log.get(2)?.exit_code.N).toBe("0");
    const again = await runAction("main", { inputs, env: { ...awsTestEnv(), ...githubEnv("org/alpha", "600", "3") } });
    expect(again.outputs.executed).toBe("false");
  });
});

describe("action rejects bad input", () => {
  const cases: Array<[string, Record<string, string>, NodeJS.ProcessEnv, RegExp]> = [
    ["missing id", { id: "" }, {}, /^::error::missing input id: give the job a name/],
    [
      "id with a bidi override",
      { id: "a\u202eb" },
      {},
      /^::error::invalid input id "a\\u202eb": contains U\+202E, a bidirectional text control/,
    ],
    ["id with a C1 control", { id: "a\u0085b" }, {}, /^::error::invalid input id "a\\u0085b": contains U\+0085/],
    ["zero range", { range: "0" }, {}, /^::error::invalid input range '0': expected a whole number of seconds/],
    ["unknown shell", { shell: "fish" }, {}, /^::error::invalid input shell 'fish': expected one of bash, sh, python$/],
    ["short table name", { table: "ab" }, {}, /^::error::invalid input table 'ab'/],
    [
      "endpoint that is no URL",
      { "endpoint-url": "localhost:8000" },
      {},
      /^::error::invalid input endpoint-url 'localhost:8000'/,
    ],
    ["force that is no boolean", { force: "yes" }, {}, /^::error::invalid input force 'yes': expected true or false$/],
    ["invalid schedule", { schedule: "61 * * * *" }, {}, /^::error::invalid input schedule '61 \* \* \* \*'/],
    [
      "range with schedule",
      { range: "10", schedule: "0 0 * * *" },
      {},
      /^::error::input range and input schedule exclude each other: with input schedule each occurrence runs once, and no range applies; drop input range '10'$/,
    ],
    [
      "s3 that is no S3 URL",
      { s3: "https://logs.example/ci" },
      {},
      /^::error::invalid input s3 'https:\/\/logs\.example\/ci': expected s3:\/\/BUCKET or s3:\/\/BUCKET\/PREFIX$/,
    ],
    [
      "missing working directory",
      { "working-directory": "/nonexistent/folder" },
      {},
      /^::error::invalid input working-directory '\/nonexistent\/folder'/,
    ],
    [
      "schedule event without expression",
      {},
      { GITHUB_EVENT_NAME: "schedule" },
      /^::error::the schedule event payload at \S+ has no cron expression/,
    ],
  ];

  test.each(cases)("%s", async (_name, inputs, env, message) => {
    const marker = join(tempDir(), "ran");
    const result = await runAction("main", {
      inputs: { ...storeInputs("bad"), run: `touch ${marker}`, ...inputs },
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "700"), ...env },
      event: {},
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toMatch(message);
    expect(result.outputs).toEqual({});
    expect(existsSync(marker)).toBe(false);
  });
});

describe("action messages name inputs", () => {
  test("unreachable endpoint names input endpoint-url", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const marker = join(tempDir(), "ran");
    const result = await runAction("main", {
      inputs: { id: "down", table, "endpoint-url": `http://127.0.0.1:${port}`, run: `touch ${marker}` },
      env: { ...awsTestEnv(), ...githubEnv("org/alpha", "710") },
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toHaveLength(1);
    expect(errorLines(result)[0]).toMatch(
      /^::error::could not reserve job down in DynamoDB table action at http:\/\/127\.0\.0\.1:\d+.*the endpoint is unreachable \(ECONNREFUSED.*; check input endpoint-url, the region and the network$/,
    );
    expect(result.stdout).not.toContain("--endpoint-url");
    expect(existsSync(marker)).toBe(false);
  });
});

describe("action with an s3 input", () => {
  test("uploads the output and sets log-url", async () => {
    const s3 = await startS3rver({ buckets: ["action-logs"] });
    try {
      const result = await runAction("main", {
        inputs: { ...storeInputs("s3-upload"), run: "echo uploaded line", s3: "s3://action-logs/ci" },
        env: { ...s3AwsEnv({ AWS_ENDPOINT_URL_S3: s3.url }), ...githubEnv("org/logs", "700") },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("uploaded line");
      expect(result.outputs["log-url"]).toMatch(
        /^s3:\/\/action-logs\/ci\/action-s3-upload-\d{8}-\d{6}-org_logs_700\.1_runner-logs-[0-9a-f]{8}\.log$/,
      );
      const key = result.outputs["log-url"].replace("s3://action-logs/", "");
      const object = await fetch(`${s3.url}/action-logs/${key}`);
      expect(object.status).toBe(200);
      expect(await object.text()).toContain("uploaded line\n");
      const run = (await items("s3-upload")).get(1);
      expect(run?.log_url?.S).toBe(result.outputs["log-url"]);
    } finally {
      await s3.close();
    }
  });

  test("s3 without run is rejected", async () => {
    const result = await runAction("main", {
      inputs: { ...storeInputs("s3-gate"), s3: "s3://action-logs/ci" },
      env: { ...awsTestEnv(), ...githubEnv("org/logs", "701") },
    });
    expect(result.code).toBe(1);
    expect(errorLines(result)).toEqual([
      "::error::input s3 needs input run: without run the action only reserves the job (gate mode)",
    ]);
  });
});
