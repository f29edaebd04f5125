import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, type RunningServer } from "./servers.js";

export interface TtlFront extends RunningServer {
  /** UpdateTimeToLive requests received, by table name. */
  ttlByTable: Map<string, { AttributeName: string; Enabled: boolean }>;
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on("data", (chunk: Buffer) => chunks.push(chunk));
    message.on("end", () => resolve(Buffer.concat(chunks)));
    message.on("error", reject);
  });
}

/**
 * Starts an HTTP server on 127.0.0.1 in front of dynalite that handles UpdateTimeToLive and
 * DescribeTimeToLive itself, because dynalite 4.0.0 lacks UpdateTimeToLive, and forwards every
 * other request to dynalite unchanged.
 */
export async function startTtlFront(dynaliteUrl: string): Promise<TtlFront> {
  const ttlByTable = new Map<string, { AttributeName: string; Enabled: boolean }>();
  const target = new URL(dynaliteUrl);
  const server: Server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const operation = String(incoming.headers["x-amz-target"] ?? "").split(".")[1];
    if (operation === "UpdateTimeToLive" || operation === "DescribeTimeToLive") {
      const input = JSON.parse(body.toString("utf8")) as {
        TableName: string;
        TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
      };
      let answer: unknown;
      if (operation === "UpdateTimeToLive") {
        ttlByTable.set(input.TableName, input.TimeToLiveSpecification!);
        answer = { TimeToLiveSpecification: input.TimeToLiveSpecification };
      } else {
        const ttl = ttlByTable.get(input.TableName);
        answer = {
          TimeToLiveDescription: ttl?.Enabled
            ? { TimeToLiveStatus: "ENABLED", AttributeName: ttl.AttributeName }
            : { TimeToLiveStatus: "DISABLED" },
        };
      }
      outgoing.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      outgoing.end(JSON.stringify(answer));
      return;
    }
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    ttlByTable,
    close: () => closeServer(server),
  };
}
