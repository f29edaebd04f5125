import { UsageError } from "../../errors.js";
import { defaultNode, validateNode } from "../../settings.js";
import { formatUtc } from "../../store/types.js";
import { storeOptions } from "../options.js";
import { exitNo, formatMoment, helpOption, requireId, type Subcommand } from "./common.js";

export const releaseCommand: Subcommand = {
  name: "release",
  usage: `Usage: runjop release --id ID [--force] [--node NAME] [store options]

Clears a stuck reservation: the job's latest run, still recorded as running, is
recorded as released by this node, in the head record and in the run's item.
Without --force, runjop rejects the release while the run's lease is live, because
its holder still renews it. The range stays: the next run may start once the
released run started at least one range ago.
`,
  epilog: `A forced release does not stop the command on its host. That host cannot renew the
lease any more, and it still records the run's outcome when the command ends.

Exit status:
  0   the reservation was released, or the latest run had already ended
  1   the job was not found, or its lease is live and --force was not given
  64  invalid options, or a --store-path file that is not a usable runjop store
  75  the store could not be read or written
`,
  options: [
    {
      name: "id",
      type: "string",
      value: "ID",
      help: "job to release (required)",
    },
    {
      name: "force",
      type: "boolean",
      help: "release even while the holder's lease is live",
    },
    {
      name: "node",
      type: "string",
      value: "NAME",
      help: "name recorded as the releaser (default: the host name)",
    },
    ...storeOptions,
    helpOption,
  ],
  async run({ values, openStore, out, logger, nowMs }) {
    const id = requireId(values, "release");
    if (values.node === "") throw new UsageError("invalid --node '': expected a non-empty name for the releaser");
    const node = typeof values.node === "string" ? validateNode("--node", values.node) : defaultNode();
    const store = await openStore();
    const result = await store.release({
      jobId: id,
      node,
      nowMs,
      force: values.force === true,
    });

    switch (result.kind) {
      case "not_found":
        logger.error(`job ${id} not found in ${store.description}: check --id and the store options`);
        return exitNo;
      case "not_running":
        out(
          `job ${id} is not held: run ${result.head.counter} on node ${result.head.node} ended as ${result.head.state}; nothing to release\n`,
        );
        return 0;
      case "lease_live":
        logger.error(
          `job ${id} is held by node ${result.head.node} with run ${result.head.counter}, whose lease is live until ${formatMoment(result.head.leaseUntilMs, nowMs)}: wait for it to end or lapse, or pass --force`,
        );
        return exitNo;
      case "released": {
        const { head } = result;
        const lease =
          head.leaseUntilMs >= nowMs
            ? `live lease until ${formatUtc(head.leaseUntilMs)} UTC, forced`
            : `lease lapsed at ${formatUtc(head.leaseUntilMs)} UTC`;
        out(
          `released job ${id}: run ${head.counter} on node ${head.node}, started ${formatUtc(head.startMs)} UTC (${lease}), is now recorded as released by ${node}\n`,
        );
        return 0;
      }
    }
  },
};
