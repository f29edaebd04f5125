// Bundles each entry point with @vercel/ncc into dist/, which is committed: the GitHub Action
// runs dist/ as it is, and the npm package ships it so that `npx runjop` needs no build step.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const entries = [
  { source: "src/cli/index.ts", out: "dist/cli" },
  { source: "src/action/main.ts", out: "dist/main" },
  { source: "src/action/post.ts", out: "dist/post" },
];

// @smithy/node-http-handler requires node:http2 when it loads, for an HTTP/2 handler that the
// DynamoDB and S3 clients never use. Requiring http2 after https took 3.4 ms (Node 24.21, 2 cores),
// so the bundle's stub for it is replaced by a proxy that requires it on first use. Reading
// `constants` returns a second proxy, because the handler reads `http2.constants` when it loads.
const eagerHttp2 = 'module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");';
const lazyHttp2 = `let http2;
const loadHttp2 = () => (http2 ??= __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2"));
const lazyObject = (load, get = (key) => load()[key]) =>
  new Proxy({}, {
    get: (_, key) => get(key),
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
const lazyConstants = lazyObject(() => loadHttp2().constants);
module.exports = lazyObject(loadHttp2, (key) => {
  if (key === "__esModule") return undefined;
  if (key === "constants" && http2 === undefined) return lazyConstants;
  return loadHttp2()[key];
});`;

/** Replaces the eager require of node:http2 in the entry file of a bundle, where ncc puts externals, if it has one. */
function deferHttp2(out) {
  const file = join(out, "index.js");
  const code = readFileSync(file, "utf8");
  if (!code.includes('"node:http2"')) return;
  if (!code.includes(eagerHttp2)) {
    throw new Error(
      `scripts/build.js: the ncc stub for node:http2 was not found in ${file}; update eagerHttp2 to the new ncc output`,
    );
  }
  writeFileSync(file, code.replace(eagerHttp2, lazyHttp2));
}

for (const { source, out } of entries) {
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    ["node_modules/@vercel/ncc/dist/ncc/cli.js", "build", source, "-o", out, "--quiet", "--target", "es2023"],
    {
      stdio: "inherit",
    },
  );
  deferHttp2(out);
}
