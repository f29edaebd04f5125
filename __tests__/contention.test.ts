import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";
import { jobItems, tableClient } from "./helpers/table.js";
import { DynamoStore } from "../src/store/dynamodb.js";
import type { Logger } from "../src/log.js";

let dynamo: RunningServer;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  client = tableClient(dynamo.url);
});

afterAll(async () => {
  client.destroy();
  await dynamo.close();
});

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe("contention", () => {
  test("exactly one of 100 processes runs", async () => {
    const env = cliEnv(awsTestEnv());
    // The table exists first, so that the race is on the reservation alone.
    expect(
      (await runCli(["--table", "hundred", "--endpoint-url", dynamo.url, "--id", "setup", "true"], { env })).code,
    ).toBe(0);
    const out = join(tempDir(), "runs.txt");
    writeFileSync(out, "");
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        runCli(
          [
            "--table",
            "hundred",
            "--endpoint-url",
            dynamo.url,
            "--id",
            "one",
            "--node",
            `node-${index}`,
            `echo "$RUNJOP_NODE" >> ${out}`,
          ],
          { env, killAfterMs: 110000 },
        ),
      ),
    );
    expect(results.map((result) => result.code)).toEqual(Array(100).fill(0));
    expect(readFileSync(out, "utf8").split("\n").filter(Boolean)).toHaveLength(1);
    expect(results.filter((result) => result.stderr.includes("skipped job one"))).toHaveLength(99);
    expect((await jobItems(client, "hundred", "one")).filter((item) => item.counter.N !== "0")).toHaveLength(1);
  }, 120000);

  test("1,000 ids with 4 contenders each run once per id", async () => {
    // Four stores in this process, each with its own connections, reserve every id at the same
    // moment; the atomicity under test is the store's conditional write, not the process.
    process.env.AWS_ACCESS_KEY_ID ??= "test";
    process.env.AWS_SECRET_ACCESS_KEY ??= "test";
    const stores = Array.from(
      { length: 4 },
      () =>
        new DynamoStore({
          table: "thousand",
          endpointUrl: dynamo.url,
          region: "us-east-1",
          logger: silent,
          tableWaitMs: 10000,
        }),
    );
    const wins = new Map<string, number>();
    const ids = Array.from({ length: 1000 }, (_, index) => `id-${index}`);
    const nowMs = Date.now();
    for (let batch = 0; batch < ids.length; batch += 100) {
      await Promise.all(
        ids.slice(batch, batch + 100).flatMap((id) =>
          stores.map(async (store, index) => {
            const reservation = await store.reserve({
              jobId: id,
              node: `store-${index}`,
              token: randomUUID(),
              nowMs,
              rangeMs: 60000,
              leaseMs: 60000,
              allowOverlap: false,
            });
            if (reservation.won) wins.set(id, (wins.get(id) ?? 0) + 1);
          }),
        ),
      );
    }
    await Promise.all(stores.map((store) => store.close()));
    expect(ids.filter((id) => wins.get(id) !== 1)).toEqual([]);
    const sample = await jobItems(client, "thousand", "id-999");
    expect(sample.map((item) => [item.counter.N, item.last_counter?.N])).toEqual([["0", "1"]]);
  }, 120000);
});
