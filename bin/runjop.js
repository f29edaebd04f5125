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
module.enableCompileCache?.();
await import("../dist/cli/index.js");
