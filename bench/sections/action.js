// Section 6: the bundled GitHub Action, from its dist/ entry to its decision, on the skip path.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { floorArgs, heldJob, heldRangeSeconds, table } from "../floors.js";
import {
  benchEnv,
  formatSummary,
  markdownTable,
  node,
  ratiosPerRound,
  root,
  summarize,
  tempDir,
  timeChecked,
} from "../lib.js";

export const title = "The bundled action: `dist/` entry to decision";
export const goal = "none set; shown against the floor of section 1";

export const actionEntry = join(root, "dist/main/index.js");

/** Environment of an action step as the runner sets it: inputs as INPUT_*, command files, no TTY. */
function actionEnv(endpointUrl) {
  const folder = tempDir("runjop-bench-action-");
  const files = {};
  for (const name of ["GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"]) {
    files[name] = join(folder, name.toLowerCase());
    writeFileSync(files[name], "");
  }
  // NOTE: the input names are the CLI's option names; inputs the action does not declare are ignored by it.
  const inputs = {
    id: heldJob,
    table,
    "endpoint-url": endpointUrl,
    range: heldRangeSeconds,
    command: "true",
    run: "true",
  };
  const env = benchEnv({
    ...files,
    GITHUB_ACTIONS: "true",
    RUNNER_TEMP: folder,
    GITHUB_WORKSPACE: folder,
  });
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  return { env, outputFile: files.GITHUB_OUTPUT };
}

export async function run({ servers, quick }) {
  if (!existsSync(actionEntry))
    return {
      met: null,
      body: ["not measured: feature not present in this build (no `dist/main/index.js`)."],
      summary: "not measured: no dist/main/index.js",
    };

  const rounds = quick ? 8 : 30;
  const { env, outputFile } = actionEnv(servers.slowUrl);
  const variants = { floor: floorArgs(servers.slowUrl), action: [actionEntry] };
  for (const args of Object.values(variants)) await timeChecked(node, args, { env });
  await servers.takeLog();

  const times = { floor: [], action: [] };
  const requests = [];
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of Object.entries(variants)) {
      const result = await timeChecked(node, args, { env });
      const log = await servers.takeLog();
      times[name].push(result.ms);
      if (name === "action") requests.push(log.length);
    }
  }

  const ratio = summarize(ratiosPerRound(times.action, times.floor));
  // One more run into an emptied GITHUB_OUTPUT shows what a single run writes there.
  writeFileSync(outputFile, "");
  await timeChecked(node, variants.action, { env });
  const outputs = readFileSync(outputFile, "utf8").trim().split("\n").join("; ");
  const body = [
    markdownTable(
      ["Process", "Wall time per run", "Ratio to the floor, per round"],
      [
        ["Floor: `node bench/floor.mjs`, one GetItem", formatSummary(summarize(times.floor), 1), "1"],
        [
          "`node dist/main/index.js` with INPUT_* set, skips",
          formatSummary(summarize(times.action), 1),
          formatSummary(ratio, 2, ""),
        ],
      ],
    ),
    "",
    `Requests per run: ${formatSummary(summarize(requests), 0, "")}. What one run wrote to GITHUB_OUTPUT: \`${outputs || "(none)"}\`.`,
    "",
    `${rounds} rounds through the 20 ms proxy, on the job that section 1 holds, with the environment a runner gives a step (INPUT_* variables, GITHUB_OUTPUT and the other command files). ` +
      "The action runs its bundle directly, as the runner does, so it gets Node's compile cache only if the bundle enables it.",
  ];
  return {
    met: undefined,
    body,
    summary: `action ${formatSummary(summarize(times.action), 1)}, ratio ${formatSummary(ratio, 2, "")}`,
  };
}
