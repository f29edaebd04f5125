// The floors that runjop's timings are divided by, and the shared setup of the DynamoDB table.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, binPath, node, root, tempDir, timeChecked } from "./lib.js";

export const table = "bench";
/** A job that every skip-path contender finds held: its range (one day) has not ended. */
export const heldJob = "held";
export const heldRangeSeconds = "86400";

/** Creates the table and the held job by running one winner directly against dynalite. */
export async function prepareTable(servers) {
  await timeChecked(
    node,
    [
      binPath,
      "--table",
      table,
      "--endpoint-url",
      servers.dynamoUrl,
      "--id",
      heldJob,
      "--range",
      heldRangeSeconds,
      "true",
    ],
    {
      env: benchEnv(),
    },
  );
}

/** Arguments of the floor: Node, the SDK from node_modules, one GetItem through `endpointUrl`. */
export function floorArgs(endpointUrl) {
  return [join(root, "bench/floor.mjs"), endpointUrl, table, heldJob];
}

let bundledFloorEntry;

/**
 * Bundles bench/floor.mjs with ncc, as the CLI is bundled, behind an entry that enables the
 * compile cache as bin/runjop.js does. It shows what the bundle and the cache alone gain.
 */
export function bundledFloorArgs(endpointUrl) {
  if (!bundledFloorEntry) {
    const out = tempDir("runjop-bench-floor-");
    execFileSync(
      node,
      [
        join(root, "node_modules/@vercel/ncc/dist/ncc/cli.js"),
        "build",
        join(root, "bench/floor.mjs"),
        "-o",
        out,
        "--quiet",
        "--target",
        "es2023",
      ],
      {
        stdio: "inherit",
      },
    );
    bundledFloorEntry = join(out, "entry.mjs");
    writeFileSync(
      bundledFloorEntry,
      'import module from "node:module";\nmodule.enableCompileCache();\nawait import("./index.mjs");\n',
    );
  }
  return [bundledFloorEntry, endpointUrl, table, heldJob];
}

/** Arguments of a runjop contender that finds `heldJob` held and skips. */
export function skipArgs(endpointUrl) {
  return [
    binPath,
    "--table",
    table,
    "--endpoint-url",
    endpointUrl,
    "--id",
    heldJob,
    "--range",
    heldRangeSeconds,
    "true",
  ];
}
