import { ExitCode, messageOf, RunjopError } from "../errors.js";
import { CliLogger, type Level } from "../log.js";
import { reserveAndRun } from "../runner.js";
import { openStore } from "../store/open.js";
import type { Store } from "../store/types.js";
import { version } from "../version.js";
import { formatOptions, parseOptions, runOptions, runSettingsFromArgs } from "./options.js";

const usage = `Usage: runjop [options] "<command>"
       runjop [options] -- program [argument ...]

Run Just Once Please: runs a command once across every host that starts it in the
same range of time. Each host asks a shared store for the right to run the job;
one wins and runs the command, the others skip and exit 0.

With --table the store is a DynamoDB table, shared by many hosts. Without it the
store is an SQLite file on this host, shared by its cron entries and users.

Options:
${formatOptions(runOptions)}

Exit status:
  the command's own status when it ran (128+N when signal N ended it, 124 when --timeout did)
  0   another contender holds the range, so the command did not run
  64  invalid options or input; nothing was reserved
  70  internal error in runjop
  75  the store could not be reached or did not decide in time; the command did not run

The command sees RUNJOP_ID, RUNJOP_COUNTER (the run's number, a fencing token)
and RUNJOP_NODE in its environment.
`;

/** Parses argv, runs the job, and returns runjop's exit status. Never throws. */
export async function main(argv: string[]): Promise<number> {
  let logger = new CliLogger({ level: "info" });
  let store: Store | undefined;
  try {
    const { values, positionals, afterTerminator } = parseOptions(argv, runOptions);
    if (values.help) {
      process.stdout.write(usage);
      return ExitCode.ok;
    }
    if (values.version) {
      process.stdout.write(`runjop ${version}\n`);
      return ExitCode.ok;
    }
    const level: Level = values.debug ? "debug" : values.quiet ? "warn" : "info";
    const logFile = typeof values.log === "string" ? values.log : undefined;
    logger = new CliLogger({ level, file: logFile, jobId: typeof values.id === "string" ? values.id : undefined });
    const settings = runSettingsFromArgs(values, positionals, afterTerminator);

    store = await openStore(settings.store, logger);
    logger.info(`using ${store.description}`);
    const result = await reserveAndRun({ settings, store, logger });
    return result.exitCode;
  } catch (error) {
    if (error instanceof RunjopError) {
      logger.error(error.message);
      return error.exitCode;
    }
    logger.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : messageOf(error)}`);
    return ExitCode.internal;
  } finally {
    await store?.close().catch(() => undefined);
  }
}
