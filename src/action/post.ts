import { runPost } from "./run-post.js";

// Exits explicitly once the outcome is recorded, so that no open socket holds the job's end.
runPost().then(() => process.exit());
