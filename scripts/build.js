// Bundles each entry point with @vercel/ncc into dist/, which is committed: the GitHub Action
// runs dist/ as it is, and the npm package ships it so that `npx runjop` needs no build step.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

const entries = [
  { source: "src/cli/index.ts", out: "dist/cli" },
  { source: "src/action/main.ts", out: "dist/main" },
  { source: "src/action/post.ts", out: "dist/post" },
];

for (const { source, out } of entries) {
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, ["node_modules/@vercel/ncc/dist/ncc/cli.js", "build", source, "-o", out, "--quiet", "--target", "es2023"], {
    stdio: "inherit",
  });
}
