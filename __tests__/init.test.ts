import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readFileSync } from "node:fs";
import { cliEnv, runCli } from "./helpers/cli.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { startTtlFront, type TtlFront } from "./helpers/ttl-front.js";

let dynamo: RunningServer;
let front: TtlFront;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  front = await startTtlFront(dynamo.url);
  client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
});

afterAll(async () => {
  client.destroy();
  await front.close();
  await dynamo.close();
});

const env = () => cliEnv(awsTestEnv());

/** DynamoDB operations that the store's source sends, read from its `new XCommand(` calls. */
function operationsInSource(): string[] {
  const source = ["src/store/dynamodb.ts", "src/store/dynamodb-admin.ts"]
    .map((file) => readFileSync(file, "utf8"))
    .join("\n");
  return [...new Set([...source.matchAll(/new (\w+)Command\(/g)].map((match) => match[1]))].sort();
}

describe("runjop init on DynamoDB", () => {
  test("creates the table with TTL and prints its policy", async () => {
    const result = await runCli(["init", "--table", "init-new", "--endpoint-url", front.url, "--region", "eu-west-1"], {
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        "runjop: creating table init-new with on-demand billing",
        "runjop: time to live enabled on attribute expires_at",
        `runjop: created DynamoDB table init-new at ${front.url}; it is ACTIVE, with time to live on expires_at`,
        "",
      ].join("\n"),
    );
    const table = await client.send(new DescribeTableCommand({ TableName: "init-new" }));
    expect(table.Table?.TableStatus).toBe("ACTIVE");
    expect(table.Table?.KeySchema).toEqual([
      { AttributeName: "job_id", KeyType: "HASH" },
      { AttributeName: "counter", KeyType: "RANGE" },
    ]);
    expect(front.ttlByTable.get("init-new")).toEqual({
      AttributeName: "expires_at",
      Enabled: true,
    });

    const policy = JSON.parse(result.stdout);
    expect(policy.Version).toBe("2012-10-17");
    for (const statement of policy.Statement) {
      expect(statement.Resource).toBe("arn:aws:dynamodb:eu-west-1:*:table/init-new");
      expect(statement.Effect).toBe("Allow");
    }
    expect(policy.Statement.map((statement: { Sid: string }) => statement.Sid)).toEqual([
      "RunjopRunAndRead",
      "RunjopListJobs",
      "RunjopCreateTable",
    ]);
  });

  test("policy names exactly the operations the store sends", async () => {
    const result = await runCli(["init", "--table", "init-policy", "--endpoint-url", front.url], { env: env() });
    const actions = JSON.parse(result.stdout).Statement.flatMap((statement: { Action: string[] }) => statement.Action);
    expect(actions.map((action: string) => action.replace(/^dynamodb:/, "")).sort()).toEqual(operationsInSource());
    expect(operationsInSource()).toEqual([
      "CreateTable",
      "DeleteItem",
      "DescribeTable",
      "DescribeTimeToLive",
      "GetItem",
      "PutItem",
      "Query",
      "Scan",
      "UpdateItem",
      "UpdateTimeToLive",
    ]);
    expect(JSON.parse(result.stdout).Statement[0].Resource).toBe("arn:aws:dynamodb:*:*:table/init-policy");
  });

  test("second init finds the table and keeps its TTL", async () => {
    await runCli(["init", "--table", "init-twice", "--endpoint-url", front.url], { env: env() });
    const again = await runCli(
      ["init", "--table", "init-twice", "--endpoint-url", front.url, "--s3", "s3://run-logs"],
      { env: env() },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("runjop: time to live is already enabled on attribute expires_at\n");
    expect(again.stderr).toContain(`runjop: found DynamoDB table init-twice at ${front.url}; it is ACTIVE`);
    const statements = JSON.parse(again.stdout).Statement;
    expect(statements.at(-1)).toEqual({
      Sid: "RunjopUploadLogs",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: "arn:aws:s3:::run-logs/*",
    });
  });

  test("table used by runs before init gets TTL", async () => {
    const run = await runCli(["--table", "init-later", "--endpoint-url", front.url, "--id", "job", "true"], {
      env: env(),
    });
    expect(run.code).toBe(0);
    const result = await runCli(["init", "--table", "init-later", "--endpoint-url", front.url], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("runjop: found DynamoDB table init-later");
    expect(front.ttlByTable.get("init-later")).toEqual({
      AttributeName: "expires_at",
      Enabled: true,
    });
  });

  test("failed UpdateTimeToLive still prints policy", async () => {
    const result = await runCli(["init", "--table", "init-plain", "--endpoint-url", dynamo.url], { env: env() });
    expect(result.code).toBe(75);
    expect(result.stderr.trim().split("\n").at(-1)).toBe(
      `runjop: error: could not set up the DynamoDB table init-plain at ${dynamo.url}: cannot enable TTL on expires_at (UpdateTimeToLive): UnknownOperationException: UnknownError`,
    );
    const policy = JSON.parse(result.stdout);
    expect(policy.Statement[0].Resource).toBe("arn:aws:dynamodb:*:*:table/init-plain");
  });

  test("help lists the policy's actions", async () => {
    const help = await runCli(["init", "--help"]);
    const result = await runCli(["init", "--table", "init-help", "--endpoint-url", front.url], { env: env() });
    for (const statement of JSON.parse(result.stdout).Statement) {
      const actions = statement.Action.map((action: string) => action.replace(/^dynamodb:/, "")).join(", ");
      expect(help.stdout).toMatch(new RegExp(`: +${actions}\n`));
    }
  });
});

describe("operating commands on a missing table", () => {
  test.each([
    ["history", "--id", "job"],
    ["status", "--id", "job"],
    ["check", "--id", "job", "--within", "60"],
    ["release", "--id", "job"],
    ["history"],
  ])("%s %s fails with 75", async (...args) => {
    const result = await runCli([...args, "--table", "no-such-table", "--endpoint-url", dynamo.url], { env: env() });
    expect(result.code).toBe(75);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `runjop: error: DynamoDB table no-such-table at ${dynamo.url} not found: create it with 'runjop init --table no-such-table', or check --table and --region\n`,
    );
  });
});
