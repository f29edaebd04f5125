// Section 2: a contender that wins: reserve, run `true`, record the outcome.
import { floorArgs, table } from "../floors.js";
import {
  binPath,
  countByTarget,
  countRoundTrips,
  formatSummary,
  markdownTable,
  node,
  ratiosPerRound,
  summarize,
  timeChecked,
} from "../lib.js";

export const title = "Winner: reserve, run `true`, record the outcome";
export const goal = "at most three sequential round trips";

const delayMs = 20;

function winnerArgs(endpointUrl, jobId) {
  return [binPath, "--table", table, "--endpoint-url", endpointUrl, "--id", jobId, "true"];
}

export async function run({ servers, quick }) {
  const rounds = quick ? 6 : 20;
  await timeChecked(node, winnerArgs(servers.slowUrl, "win-warm"));
  await servers.takeLog();

  const times = { floor: [], slow: [], direct: [] };
  const requests = [];
  const roundTrips = [];
  const operations = {};
  for (let round = 0; round < rounds; round++) {
    times.floor.push((await timeChecked(node, floorArgs(servers.slowUrl))).ms);
    await servers.takeLog();

    const slow = await timeChecked(node, winnerArgs(servers.slowUrl, `win-slow-${round}`));
    const log = await servers.takeLog();
    if (!/ran job .*succeeded/.test(slow.stderr))
      throw new Error(`the winner did not run and record the job:\n${slow.stderr}`);
    times.slow.push(slow.ms);
    requests.push(log.length);
    roundTrips.push(countRoundTrips(log));
    for (const [target, count] of Object.entries(countByTarget(log)))
      operations[target] = (operations[target] ?? 0) + count;

    times.direct.push((await timeChecked(node, winnerArgs(servers.directUrl, `win-direct-${round}`))).ms);
    await servers.takeLog();
  }

  const estimates = times.slow.map((slow, index) => (slow - times.direct[index]) / delayMs);
  const estimate = summarize(estimates);
  const counted = summarize(roundTrips);
  const ratio = summarize(ratiosPerRound(times.slow, times.floor));
  const met = counted.max <= 3;
  const perOperation = Object.entries(operations)
    .map(([target, count]) => `${target} ${count / rounds}`)
    .join(", ");

  const body = [
    markdownTable(
      ["Figure", "Median (min to max)"],
      [
        ["Floor (one GetItem, 20 ms proxy)", formatSummary(summarize(times.floor), 1)],
        ["Winner through the 20 ms proxy", formatSummary(summarize(times.slow), 1)],
        ["Winner through the same proxy with no delay", formatSummary(summarize(times.direct), 1)],
        ["Winner (20 ms proxy) / floor, per round", formatSummary(ratio, 2, "")],
        ["Requests per winning run", `${formatSummary(summarize(requests), 0, "")}: ${perOperation}`],
        ["Sequential round trips counted at the proxy", formatSummary(counted, 0, "")],
        ["Sequential round trips estimated from time: (20 ms run - 0 ms run) / 20 ms", formatSummary(estimate, 2, "")],
      ],
    ),
    "",
    `${rounds} rounds, each with a fresh job id so that every run wins. The proxy counts requests by X-Amz-Target and logs when each arrived and when its response ended; ` +
      "requests whose times overlap ran in parallel and count as one round trip. The estimate from wall time also includes any other wait that grows with latency. " +
      "The goal is met when no run needed more than three counted round trips.",
  ];
  const summary = `winner ${formatSummary(summarize(times.slow), 1)}, ${formatSummary(counted, 0, "")} round trips counted, ${formatSummary(estimate, 2, "")} estimated, requests ${summarize(requests).median}`;
  return { met, body, summary };
}
