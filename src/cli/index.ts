import { main } from "./main.js";

// Exits explicitly once the job and its bookkeeping are done: an SDK socket kept alive or a
// grandchild holding a pipe must not keep runjop running.
main(process.argv.slice(2)).then((code) => process.exit(code));
