import { dirname, join } from "node:path";
import type { Logger } from "../log.js";
import type { OutputLog, RunContext } from "../runner.js";
import type { RunRecord } from "../store/types.js";
import { defaultStorePath, type RunSettings } from "../settings.js";

/**
 * Returns the run context's output hooks for --s3: each chunk goes to runjop's own stdout or
 * stderr, as it arrives, and to the S3 log. The S3 SDK is imported only when a run's log is
 * opened, because loading it takes about 70 ms, which a contender that skips does not need.
 */
export function s3Output(settings: RunSettings, logger: Logger): Pick<RunContext, "onOutput" | "openOutputLog"> {
  let opener: Promise<(run: RunRecord) => Promise<OutputLog>> | undefined;
  return {
    onOutput: consoleWriter(logger),
    openOutputLog: async (run) => {
      opener ??= loadOpener(settings, logger);
      return (await opener)(run);
    },
  };
}

/** Imports the S3 upload code and returns the function that opens each run's log. */
async function loadOpener(settings: RunSettings, logger: Logger): Promise<(run: RunRecord) => Promise<OutputLog>> {
  const { s3OutputLogOpener } = await import("../upload/s3log.js");
  // key.ts imports node:crypto, which runs without --s3 must not load.
  const { embeddedTableName } = await import("../upload/key.js");
  return s3OutputLogOpener({
    settings: settings.s3!,
    table: settings.store.kind === "dynamodb" ? settings.store.table : embeddedTableName,
    localDir: join(dirname(defaultStorePath()), "logs"),
    logger,
  });
}

/**
 * Writes chunks to process.stdout or process.stderr, which are synchronous for files and pipes
 * on Linux, so a slow reader slows the command as it would with inherited stdio. A closed
 * reader (EPIPE) stops the copy to that stream; the log still gets everything.
 */
function consoleWriter(logger: Logger): (chunk: Buffer, stream: "stdout" | "stderr") => void {
  const closed = { stdout: false, stderr: false };
  for (const name of ["stdout", "stderr"] as const) {
    process[name].on("error", (error) => {
      if (closed[name]) return;
      closed[name] = true;
      if (name === "stdout") logger.warn(`cannot write to stdout (${error.message}); the output still goes to the log`);
    });
  }
  return (chunk, stream) => {
    if (!closed[stream]) process[stream].write(chunk);
  };
}
