// Test servers for the benchmarks, run in a child process of bench/run.js so that their work
// never delays the event loop that times the runjop processes. On 127.0.0.1, free ports:
// - dynalite, an in-memory implementation of the DynamoDB API;
// - two proxies in front of it: one that delays each request by 20 ms before forwarding it (the
//   delay is added once per request, on the way in), and one that adds nothing, so that the
//   difference between the two shows the round trips; both count requests by X-Amz-Target and
//   log when each request arrived and when its response ended;
// - s3rver, an implementation of the S3 API, started on request.
// The parent talks to this process over the IPC channel of child_process.fork().
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dynalite from "dynalite";

const log = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
let s3;
let s3Directory;

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

/** Forwards each request to the upstream port after `delayMs`, and logs it. */
function startProxy(upstreamPort, delayMs, name) {
  const server = http.createServer((request, response) => {
    const arrivedMs = performance.now();
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const target = String(request.headers["x-amz-target"] ?? `${request.method} ${request.url}`).replace(
        /^DynamoDB_\d+\./,
        "",
      );
      const forward = () => {
        const upstream = http.request(
          {
            host: "127.0.0.1",
            port: upstreamPort,
            method: request.method,
            path: request.url,
            headers: request.headers,
            agent,
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            answer.on("end", () =>
              log.push({
                proxy: name,
                target,
                arrivedMs,
                endedMs: performance.now(),
                status: answer.statusCode,
              }),
            );
          },
        );
        upstream.on("error", (error) => {
          response.writeHead(502);
          response.end(String(error));
        });
        upstream.end(body);
      };
      if (delayMs > 0) setTimeout(forward, delayMs);
      else forward();
    });
  });
  server.keepAliveTimeout = 5000;
  return listen(server);
}

async function startS3() {
  if (s3) return s3.port;
  const { default: S3rver } = await import("s3rver");
  s3Directory = mkdtempSync(join(tmpdir(), "runjop-bench-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: s3Directory,
    configureBuckets: [{ name: "bench" }],
  });
  const address = await server.run();
  s3 = { server, port: address.port };
  return s3.port;
}

const dynamo = dynalite({ createTableMs: 0 });
const dynamoPort = await listen(dynamo);
const slowPort = await startProxy(dynamoPort, 20, "slow");
const directPort = await startProxy(dynamoPort, 0, "direct");

process.on("message", async (message) => {
  try {
    if (message.type === "takeLog") {
      process.send({ id: message.id, log: log.splice(0) });
    } else if (message.type === "startS3") {
      process.send({ id: message.id, port: await startS3() });
    } else if (message.type === "stop") {
      if (s3) await s3.server.close();
      if (s3Directory) rmSync(s3Directory, { recursive: true, force: true });
      process.exit(0);
    }
  } catch (error) {
    process.send({ id: message.id, error: String(error?.stack ?? error) });
  }
});
process.on("disconnect", () => {
  if (s3Directory) rmSync(s3Directory, { recursive: true, force: true });
  process.exit(0);
});
process.send({ type: "ready", dynamoPort, slowPort, directPort });
