import { existsSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "./helpers/faultProxy.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { runRows, tableClient } from "./helpers/table.js";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

let dynamo: RunningServer;
let proxy: FaultProxy;
let client: DynamoDBClient;
const table = "faults";

beforeAll(async () => {
  dynamo = await startDynalite();
  proxy = await startFaultProxy(dynamo.url);
  client = tableClient(dynamo.url);
  // Creates the table, so that each test's request counts start with the reservation.
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

/** Runs runjop through the proxy with a command that creates a marker file, and reports whether it ran. */
async function runThroughProxy(
  id: string,
  extra: string[] = [],
  command?: string,
  env: NodeJS.ProcessEnv = {},
  tableName = table,
) {
  const marker = join(tempDir(), "ran");
  const result = await runCli(
    [
      "--table",
      tableName,
      "--endpoint-url",
      proxy.url,
      "--id",
      id,
      "--node",
      "proxied",
      ...extra,
      command ?? `touch ${marker}`,
    ],
    {
      env: cliEnv(awsTestEnv(env)),
      killAfterMs: 60000,
    },
  );
  return { ...result, ran: existsSync(marker) };
}

/** Runs a contender straight against dynalite, to take the range first. */
async function holdRange(id: string) {
  const result = await runCli(
    ["--table", table, "--endpoint-url", dynamo.url, "--id", id, "--node", "holder", "true"],
    { env: cliEnv(awsTestEnv()) },
  );
  expect(result.code).toBe(0);
}

describe("lost reservation response", () => {
  test("retry recognises own token via GetItem", async () => {
    proxy.addRule({ operation: "UpdateItem", times: 1, fault: { kind: "dropResponse" } });
    const result = await runThroughProxy("lost-dynalite", ["-d"]);
    expect(result.code).toBe(0);
    expect(result.ran).toBe(true);
    expect(result.stderr).toContain("reservation response was lost");
    expect(proxy.count("GetItem")).toBe(1);
    expect(await runRows(client, table, "lost-dynalite")).toEqual([["1", "proxied", "succeeded"]]);
  });

  test("retry recognises own token in the returned item", async () => {
    proxy.returnItemOnConditionFailure = true;
    proxy.addRule({ operation: "UpdateItem", times: 1, fault: { kind: "dropResponse" } });
    const result = await runThroughProxy("lost-item", ["-d"]);
    expect(result.code).toBe(0);
    expect(result.ran).toBe(true);
    expect(result.stderr).toContain("reservation response was lost");
    // The head came with the error, so no GetItem was needed.
    expect(proxy.count("GetItem")).toBe(0);
    expect(await runRows(client, table, "lost-item")).toEqual([["1", "proxied", "succeeded"]]);
  });

  test("returned item of another holder means skip", async () => {
    await holdRange("lost-other");
    proxy.returnItemOnConditionFailure = true;
    const result = await runThroughProxy("lost-other");
    expect(result.code).toBe(0);
    expect(result.ran).toBe(false);
    expect(result.stderr).toContain("skipped job lost-other: node holder holds it with run 1");
    expect(proxy.count("UpdateItem")).toBe(1);
    expect(proxy.count("GetItem")).toBe(0);
  });

  test("write that landed before every attempt failed still runs", async () => {
    proxy.addRule({ operation: "UpdateItem", times: 1, fault: { kind: "dropResponse" } });
    proxy.addRule({ operation: "UpdateItem", fault: { kind: "reset" } });
    const result = await runThroughProxy("lost-all");
    expect(result.code).toBe(0);
    expect(result.ran).toBe(true);
    expect(result.stderr).toContain("but the write landed; running");
    expect(proxy.count("UpdateItem")).toBeGreaterThanOrEqual(5);
  });
});

describe("throttling and server errors", () => {
  for (const type of ["ThrottlingException", "ProvisionedThroughputExceededException"]) {
    test(`persistent ${type} exits 75 within bound`, async () => {
      proxy.addRule({ operation: "UpdateItem", fault: { kind: "error", status: 400, type } });
      const result = await runThroughProxy(`throttled-${type}`);
      expect(result.code).toBe(75);
      expect(result.ran).toBe(false);
      expect(result.stderr).toContain(`could not reserve job throttled-${type}`);
      expect(result.stderr).toContain(type);
      expect(proxy.count("UpdateItem")).toBe(3);
      // Three attempts with backoff of at most 1 + 2 s between them, plus start-up.
      expect(result.elapsedMs).toBeLessThan(10000);
      expect(await runRows(client, table, `throttled-${type}`)).toEqual([]);
    });
  }

  test("transient throttling is retried and runs", async () => {
    proxy.addRule({
      operation: "UpdateItem",
      times: 2,
      fault: { kind: "error", status: 400, type: "ThrottlingException" },
    });
    const result = await runThroughProxy("throttled-twice");
    expect(result.code).toBe(0);
    expect(result.ran).toBe(true);
    // Three reservation attempts, then the run's outcome and the head's release.
    expect(proxy.count("UpdateItem")).toBe(5);
  });

  for (const status of [500, 503]) {
    test(`persistent ${status} exits 75 after one check`, async () => {
      proxy.addRule({
        operation: "UpdateItem",
        fault: { kind: "error", status, type: status === 503 ? "ServiceUnavailable" : "InternalServerError" },
      });
      const result = await runThroughProxy(`server-error-${status}`);
      expect(result.code).toBe(75);
      expect(result.ran).toBe(false);
      expect(result.stderr).toContain(`could not reserve job server-error-${status}`);
      expect(proxy.count("UpdateItem")).toBe(3);
      // One GetItem checks whether one of the attempts landed anyway.
      expect(proxy.count("GetItem")).toBe(1);
      expect(result.elapsedMs).toBeLessThan(10000);
    });
  }

  test("reset connections are retried and run", async () => {
    proxy.addRule({ operation: "UpdateItem", times: 2, fault: { kind: "reset" } });
    const result = await runThroughProxy("reset-twice");
    expect(result.code).toBe(0);
    expect(result.ran).toBe(true);
    expect(proxy.count("UpdateItem")).toBe(5);
  });

  test("loser sends one request and never polls", async () => {
    await holdRange("one-request");
    const result = await runThroughProxy("one-request");
    expect(result.code).toBe(0);
    expect(result.ran).toBe(false);
    expect(proxy.count("UpdateItem")).toBe(1);
    expect(proxy.count("GetItem")).toBe(0);
    expect(proxy.count("Query")).toBe(0);
    expect(proxy.count("PutItem")).toBe(0);
  });
});

describe("hanging endpoint", () => {
  test("request that never answers is retried after 8 s", async () => {
    proxy.addRule({ operation: "UpdateItem", times: 1, fault: { kind: "hang" } });
    const result = await runThroughProxy("hang-once");
    expect(result.code).toBe(0);
    expect(result.ran).toBe(true);
    expect(result.elapsedMs).toBeGreaterThan(8000);
    expect(result.elapsedMs).toBeLessThan(13000);
  });

  test("final writes that never answer keep the exit status", async () => {
    proxy.addRule({
      operation: "UpdateItem",
      when: (body) => String(body.UpdateExpression).includes("exit_code"),
      fault: { kind: "hang" },
    });
    const result = await runThroughProxy("hang-final", [], "exit 3");
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("could not record the outcome of run 1 (failed, exit status 3)");
    // Three attempts of 8 s each, with backoff.
    expect(result.elapsedMs).toBeLessThan(28000);
  }, 40000);
});

describe("table that never becomes active", () => {
  test("DescribeTable answering ResourceNotFound ends every host with 75", async () => {
    const notFound = {
      kind: "error",
      status: 400,
      type: "ResourceNotFoundException",
      message: "Requested resource not found",
    } as const;
    proxy.addRule({ operation: "UpdateItem", fault: notFound });
    proxy.addRule({ operation: "DescribeTable", fault: notFound });
    const out = tempDir();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        runCli(
          [
            "--table",
            "never-active",
            "--endpoint-url",
            proxy.url,
            "--id",
            "job",
            "--node",
            `host-${index}`,
            `touch ${join(out, `ran-${index}`)}`,
          ],
          {
            env: cliEnv(awsTestEnv({ RUNJOP_TABLE_WAIT_SECONDS: "3" })),
          },
        ),
      ),
    );
    for (const result of results) {
      expect(result.code).toBe(75);
      expect(result.stderr).toContain(
        "table never-active did not become ACTIVE within 3 s (last status: missing); the command did not run",
      );
      expect(result.elapsedMs).toBeLessThan(8000);
    }
    expect(Array.from({ length: 5 }, (_, index) => existsSync(join(out, `ran-${index}`)))).toEqual(
      Array(5).fill(false),
    );
    // One host created the table; the others joined that creation.
    expect(proxy.count("CreateTable")).toBe(5);
  });

  test("table stuck in CREATING ends with 75", async () => {
    proxy.addRule({
      operation: "UpdateItem",
      fault: { kind: "error", status: 400, type: "ResourceNotFoundException", message: "Requested resource not found" },
    });
    proxy.addRule({
      operation: "CreateTable",
      fault: { kind: "error", status: 400, type: "ResourceInUseException", message: "Table already exists" },
    });
    proxy.addRule({
      operation: "DescribeTable",
      fault: { kind: "answer", body: { Table: { TableName: "creating-table", TableStatus: "CREATING" } } },
    });
    const result = await runThroughProxy(
      "creating",
      [],
      undefined,
      { RUNJOP_TABLE_WAIT_SECONDS: "2" },
      "creating-table",
    );
    expect(result.code).toBe(75);
    expect(result.ran).toBe(false);
    expect(result.stderr).toContain("table creating-table did not become ACTIVE within 2 s (last status: CREATING)");
  });
});

describe("credentials that expire during a run", () => {
  test("failed final writes keep the exit status", async () => {
    proxy.addRule({
      operation: "UpdateItem",
      when: (body) => !String(body.UpdateExpression).startsWith("SET #last"),
      fault: {
        kind: "error",
        status: 400,
        type: "ExpiredTokenException",
        message: "The security token included in the request is expired",
      },
    });
    const result = await runThroughProxy("expired", ["--lease", "3"], "sleep 2.5; exit 7");
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(
      "could not record the outcome of run 1 (failed, exit status 7): AWS credentials missing, invalid or expired (ExpiredTokenException",
    );
    expect(result.stderr.match(/could not record the outcome/g)).toHaveLength(1);
    expect(result.stderr.match(/could not renew the lease/g)).toHaveLength(1);
    // Not retried: the reservation, one or two heartbeats (one a second), the run's outcome and the head's release.
    expect(proxy.count("UpdateItem")).toBeGreaterThanOrEqual(4);
    expect(proxy.count("UpdateItem")).toBeLessThanOrEqual(5);
    expect(result.elapsedMs).toBeLessThan(6000);
  });
});
