import { runMain } from "./run-main.js";

// Exits explicitly once the step is done, as the CLI does: an SDK socket kept alive or a
// grandchild holding a pipe must not keep the step running. process.exitCode carries the status.
runMain().then(() => process.exit());
