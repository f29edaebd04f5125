// Section 3: start-up cost of runjop without the network, against `node -e 0`.
import { join } from "node:path";
import {
  benchEnv,
  binPath,
  formatSummary,
  markdownTable,
  node,
  ratiosPerRound,
  summarize,
  tempDir,
  timeChecked,
} from "../lib.js";

export const title = "Cold start: `--version` and the embedded-store skip path";
export const goal = "under 1.5 times `node -e 0`";

export async function run({ quick }) {
  const rounds = quick ? 10 : 40;
  const storePath = join(tempDir("runjop-bench-store-"), "runjop.sqlite");
  const env = benchEnv();
  const variants = {
    floor: ["-e", "0"],
    version: [binPath, "--version"],
    embeddedSkip: [binPath, "--store-path", storePath, "--id", "held", "--range", "86400", "true"],
  };
  // The first embedded run wins and keeps the job for a day; it also fills the compile cache.
  await timeChecked(node, variants.embeddedSkip, { env });
  for (const args of Object.values(variants)) await timeChecked(node, args, { env });

  const times = { floor: [], version: [], embeddedSkip: [] };
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of Object.entries(variants)) {
      const result = await timeChecked(node, args, { env });
      if (name === "embeddedSkip" && !/skipped job/.test(result.stderr))
        throw new Error(`the embedded contender did not skip:\n${result.stderr}`);
      times[name].push(result.ms);
    }
  }

  const versionRatio = summarize(ratiosPerRound(times.version, times.floor));
  const skipRatio = summarize(ratiosPerRound(times.embeddedSkip, times.floor));
  const met = versionRatio.median < 1.5 && skipRatio.median < 1.5;
  const body = [
    markdownTable(
      ["Process", "Wall time per run", "Ratio to the floor, per round"],
      [
        ["Floor: `node -e 0`", formatSummary(summarize(times.floor), 1), "1"],
        ["`runjop --version`", formatSummary(summarize(times.version), 1), formatSummary(versionRatio, 2, "")],
        [
          "`runjop --store-path FILE --id held ...`, skips on the embedded SQLite store",
          formatSummary(summarize(times.embeddedSkip), 1),
          formatSummary(skipRatio, 2, ""),
        ],
      ],
    ),
    "",
    `${rounds} rounds of the three processes, one after the other, after one untimed run of each that fills Node's compile cache. ` +
      "The embedded contender opens the SQLite file, finds the job held, and exits 0; neither runjop process loads the AWS SDK, which is bundled in a chunk imported only with --table.",
  ];
  const summary = `node -e 0 ${formatSummary(summarize(times.floor), 1)}, --version ratio ${formatSummary(versionRatio, 2, "")}, embedded skip ratio ${formatSummary(skipRatio, 2, "")}`;
  return { met, body, summary };
}
