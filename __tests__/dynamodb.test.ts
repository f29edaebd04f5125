import { DynamoDBClient, QueryCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { createServer, type Server, type Socket } from "node:net";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { awsTestEnv, closeServer, startDynalite, type RunningServer } from "./helpers/servers.js";

let dynamo: RunningServer;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

function dynamoArgs(table: string, id: string): string[] {
  return ["--table", table, "--endpoint-url", dynamo.url, "--id", id];
}

async function queryLog(table: string, id: string) {
  const output = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "job_id = :id",
      ExpressionAttributeValues: { ":id": { S: id } },
      ConsistentRead: true,
    }),
  );
  return output.Items ?? [];
}

describe("runjop on DynamoDB", () => {
  test("creates the table on first use and records the run", async () => {
    const env = cliEnv(awsTestEnv());
    const result = await runCli([...dynamoArgs("first-use", "report"), "--node", "host-a", "echo hi; exit 2"], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("hi\n");
    expect(result.stderr).toContain("table first-use not found; creating it");

    const table = await client.send(new DescribeTableCommand({ TableName: "first-use" }));
    expect(table.Table?.BillingModeSummary?.BillingMode ?? "PAY_PER_REQUEST").toBe("PAY_PER_REQUEST");
    expect(table.Table?.KeySchema).toEqual([
      { AttributeName: "job_id", KeyType: "HASH" },
      { AttributeName: "counter", KeyType: "RANGE" },
    ]);

    const items = await queryLog("first-use", "report");
    const run = items.find((item) => item.counter.N === "1");
    expect(run?.node.S).toBe("host-a");
    expect(run?.time.S).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(run?.state.S).toBe("failed");
    expect(run?.exit_code.N).toBe("2");
    expect(Number(run?.duration_ms.N)).toBeGreaterThanOrEqual(0);
    expect(run?.command.S).toBe("echo hi; exit 2");
    const head = items.find((item) => item.counter.N === "0");
    expect(head?.last_counter.N).toBe("1");
    expect(head?.state.S).toBe("failed");
  });

  test("second contender in the range skips with one request", async () => {
    const env = cliEnv(awsTestEnv());
    const first = await runCli([...dynamoArgs("runs", "nightly"), "--node", "first", "echo first"], { env });
    const second = await runCli([...dynamoArgs("runs", "nightly"), "--node", "second", "-d", "echo second"], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("first\n");
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain("skipped job nightly");
    const runs = (await queryLog("runs", "nightly")).filter((item) => item.counter.N !== "0");
    expect(runs.map((item) => item.node.S)).toEqual(["first"]);
  });

  test("counter increases by one per run", async () => {
    const env = cliEnv(awsTestEnv());
    const args = [...dynamoArgs("runs", "counted"), "--range", "1", "echo $RUNJOP_COUNTER"];
    const outputs: string[] = [];
    for (let run = 0; run < 3; run++) {
      outputs.push((await runCli(args, { env })).stdout);
      await new Promise((resolve) => setTimeout(resolve, 1050));
    }
    expect(outputs).toEqual(["1\n", "2\n", "3\n"]);
    const runs = (await queryLog("runs", "counted")).filter((item) => item.counter.N !== "0");
    expect(runs.map((item) => [item.counter.N, item.state.S])).toEqual([
      ["1", "succeeded"],
      ["2", "succeeded"],
      ["3", "succeeded"],
    ]);
  });

  test("slow table creation is not a late answer", async () => {
    // The new table takes 2.5 s to become ACTIVE, longer than the 1 s range.
    const slow = await startDynalite({ createTableMs: 2500 });
    try {
      const result = await runCli(
        ["--table", "slow-create", "--endpoint-url", slow.url, "--id", "first", "--range", "1", "echo ran"],
        {
          env: cliEnv(awsTestEnv()),
        },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("ran\n");
      expect(result.stderr).toContain("table slow-create created");
    } finally {
      await slow.close();
    }
  });

  test("ten hosts creating the table at once all use it", async () => {
    const env = cliEnv(awsTestEnv());
    const out = tempDir();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        runCli(
          [...dynamoArgs("created-together", "once"), "--node", `host-${index}`, `touch ${join(out, `ran-${index}`)}`],
          { env },
        ),
      ),
    );
    expect(results.map((result) => result.code)).toEqual(Array(10).fill(0));
    const ran = results.filter((_, index) => existsSync(join(out, `ran-${index}`)));
    expect(ran).toHaveLength(1);
    expect(results.filter((result) => result.stderr.includes("skipped job once"))).toHaveLength(9);
  });

  test("exits promptly after the command ends", async () => {
    const result = await runCli([...dynamoArgs("runs", "prompt"), "true"], { env: cliEnv(awsTestEnv()) });
    expect(result.code).toBe(0);
    expect(result.elapsedMs).toBeLessThan(5000);
  });
});

describe("runjop on DynamoDB when the store fails", () => {
  test("unreachable endpoint fails with 75 in bounded time", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await closeServer(closed);
    const file = join(tempDir(), "ran");
    const result = await runCli(
      ["--table", "t-unreachable", "--endpoint-url", `http://127.0.0.1:${port}`, "--id", "job", `touch ${file}`],
      {
        env: cliEnv(awsTestEnv()),
      },
    );
    expect(result.code).toBe(75);
    expect(result.stderr).toMatch(
      /could not reserve job job in DynamoDB table t-unreachable .*unreachable \(ECONNREFUSED/,
    );
    expect(result.elapsedMs).toBeLessThan(20000);
    expect(existsSync(file)).toBe(false);
  });

  test("endpoint that never answers fails in bounded time", async () => {
    // Accepts connections and never reads or answers; the sockets are destroyed at the end.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const file = join(tempDir(), "ran");
    const result = await runCli(
      ["--table", "t-silent", "--endpoint-url", `http://127.0.0.1:${port}`, "--id", "job", `touch ${file}`],
      {
        env: cliEnv(awsTestEnv()),
        killAfterMs: 60000,
      },
    );
    for (const socket of sockets) socket.destroy();
    await closeServer(silent);
    expect(result.code).toBe(75);
    expect(result.stderr).toContain("timed out");
    expect(result.elapsedMs).toBeLessThan(40000);
    expect(existsSync(file)).toBe(false);
  }, 70000);

  test("missing credentials fail with 75 and a hint", async () => {
    const file = join(tempDir(), "ran");
    const home = tempDir();
    const result = await runCli([...dynamoArgs("runs", "no-creds"), `touch ${file}`], {
      env: cliEnv({
        HOME: home,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_REGION: "us-east-1",
        AWS_CONFIG_FILE: join(home, "none"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "none"),
      }),
    });
    expect(result.code).toBe(75);
    expect(result.stderr).toContain("AWS credentials missing, invalid or expired");
    expect(result.stderr).toContain("AWS_ACCESS_KEY_ID");
    expect(existsSync(file)).toBe(false);
  });
});
