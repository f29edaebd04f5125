import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliEnv, runCli, tempDir } from "./helpers/cli.js";
import { awsTestEnv, startDynalite, type RunningServer } from "./helpers/servers.js";

const contenders = 20;

/** Starts `contenders` real CLI processes at once and returns their results and the lines the winners wrote. */
async function race(args: string[], env: NodeJS.ProcessEnv) {
  const out = join(tempDir(), "runs.txt");
  writeFileSync(out, "");
  const results = await Promise.all(
    Array.from({ length: contenders }, (_, index) =>
      runCli([...args, "--node", `node-${index}`, `echo "$RUNJOP_NODE $RUNJOP_COUNTER" >> ${out}`], { env }),
    ),
  );
  const lines = readFileSync(out, "utf8").split("\n").filter(Boolean);
  return { results, lines };
}

describe("contenders racing on one id", () => {
  let dynamo: RunningServer;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.close();
  });

  test("exactly one of 20 runs on DynamoDB", async () => {
    const env = cliEnv(awsTestEnv());
    const { results, lines } = await race(["--table", "race", "--endpoint-url", dynamo.url, "--id", "race-job"], env);
    expect(results.map((result) => result.code)).toEqual(Array(contenders).fill(0));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^node-\d+ 1$/);
    expect(results.filter((result) => result.stderr.includes("skipped job race-job"))).toHaveLength(contenders - 1);
  });

  test("exactly one of 20 runs on the embedded store", async () => {
    const env = cliEnv();
    const { results, lines } = await race(["--id", "race-job"], env);
    expect(results.map((result) => result.code)).toEqual(Array(contenders).fill(0));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^node-\d+ 1$/);
    expect(results.filter((result) => result.stderr.includes("skipped job race-job"))).toHaveLength(contenders - 1);
  });
});
