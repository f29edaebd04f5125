import * as core from "@actions/core";
import { messageOf } from "../errors.js";
import type { Logger } from "../log.js";
import type { Store } from "../store/types.js";
import { formatUtc } from "../store/types.js";

/** Runs of the job shown in the step summary, newest first. */
const summaryRuns = 10;

export interface SummaryFacts {
  jobId: string;
  /** One line: what this step decided or recorded. */
  decision: string;
  /** The node that holds the job, and its run counter, when known. */
  holder?: { node: string; counter: number };
}

/**
 * Writes the step summary: the decision, the holder, the counter, and the latest runs of the
 * job from the activity log. A failure to read the log or write the summary is logged and
 * does not fail the step.
 */
export async function writeSummary(store: Store, facts: SummaryFacts, logger: Logger): Promise<void> {
  const summary = core.summary
    .addHeading(`runjop: job ${escapeHtml(facts.jobId)}`, 3)
    .addRaw(`<p>${escapeHtml(facts.decision)}</p>`, true);
  if (facts.holder) {
    summary.addRaw(`<p>Holder: ${escapeHtml(facts.holder.node)}, run ${facts.holder.counter}</p>`, true);
  }
  try {
    const runs = await store.listRuns(facts.jobId, summaryRuns);
    const header = [
      "Run",
      "Node",
      "Started (UTC)",
      "Occurrence (UTC)",
      "State",
      "Exit status",
      "Duration (s)",
      "Forced",
    ];
    const rows = runs.map((run) =>
      [
        String(run.counter),
        run.node,
        run.time,
        run.occurrenceMs === undefined ? "" : formatUtc(run.occurrenceMs),
        run.state,
        run.exitCode === undefined ? "" : String(run.exitCode),
        run.durationMs === undefined ? "" : (run.durationMs / 1000).toFixed(1),
        run.forced ? "yes" : "",
      ].map(escapeHtml),
    );
    summary.addRaw(htmlTable(header, rows), true);
  } catch (error) {
    logger.warn(`could not read the latest runs of job ${facts.jobId} for the step summary: ${messageOf(error)}`);
  }
  try {
    await summary.write();
  } catch (error) {
    logger.debug(`step summary not written: ${messageOf(error)}`);
  } finally {
    summary.emptyBuffer();
  }
}

/**
 * Builds an HTML table from cells that are already escaped. The toolkit's addTable writes an
 * empty cell as `<td>` without `</td>`, so the table is built here instead.
 */
function htmlTable(header: string[], rows: string[][]): string {
  const headerRow = `<tr>${header.map((cell) => `<th>${cell}</th>`).join("")}</tr>`;
  const bodyRows = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join("")}</tr>`);
  return `<table>${headerRow}${bodyRows.join("")}</table>`;
}

/** The toolkit writes table cells and raw text into the summary as HTML, unescaped. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
