#!/usr/bin/env node
// Entry of the runjop CLI. It checks the Node version and enables Node's compile cache
// before the bundle in dist/ is loaded, because the cache only covers modules loaded after it.
import module from "node:module";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(
    `runjop: error: Node ${process.versions.node} is too old: runjop needs Node 22.13 or newer (for node:sqlite); ` +
      "run it with 'npx runjop' inside the project, or install a newer Node\n",
  );
  process.exit(70);
}
restartForUpload();
module.enableCompileCache?.();
await import("../dist/cli/index.js");

/**
 * Restarts Node once, in the same process, with settings that keep memory low when --s3 copies
 * the job's output. These settings only take effect at start-up:
 * - --max-semi-space-size=1 keeps V8's young generation at 1 MiB instead of up to 16 MiB.
 * - --jitless leaves out the optimizing compilers. The copy runs in native code, so throughput
 *   stays the same.
 * - MALLOC_MMAP_THRESHOLD_ makes glibc return freed Buffers of 64 KiB or more to the system.
 *   It is removed again before the job starts, unless the caller had set it.
 * Measured with 1 GiB of output (bench section 5, 2 cores, Node 24.21): about 95 MB peak RSS
 * with the restart, 110 to 125 MB without it. The restart takes about 40 ms.
 * NOTE: process.execve exists from Node 22.15 and 23.11; older versions run without the restart.
 */
function restartForUpload() {
  const flags = ["--max-semi-space-size=1", "--jitless"];
  const marker = "RUNJOP_RESTARTED_FOR_UPLOAD";
  if (process.env[marker] !== undefined) {
    if (process.env[marker] === "malloc") delete process.env.MALLOC_MMAP_THRESHOLD_;
    delete process.env[marker];
    return;
  }
  const args = process.argv.slice(2);
  const separator = args.indexOf("--");
  const options = separator === -1 ? args : args.slice(0, separator);
  if (!options.some((arg) => arg === "--s3" || arg.startsWith("--s3="))) return;
  if (typeof process.execve !== "function" || flags.every((flag) => process.execArgv.includes(flag))) return;
  const setsMalloc = process.env.MALLOC_MMAP_THRESHOLD_ === undefined;
  const env = { ...process.env, [marker]: setsMalloc ? "malloc" : "flags" };
  if (setsMalloc) env.MALLOC_MMAP_THRESHOLD_ = "65536";
  try {
    process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], env);
  } catch {
    // The run continues in this process, with Node's default memory settings.
  }
}
