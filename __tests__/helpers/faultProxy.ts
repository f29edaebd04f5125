import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the proxy does to a request that a rule matches. */
export type Fault =
  /** Forwards the request, waits for the answer, then destroys the client's socket: the write landed, its response is lost. */
  | { kind: "dropResponse" }
  /** Waits this many milliseconds before forwarding, then answers normally. */
  | { kind: "delay"; ms: number }
  /** Forwards the request, then holds the answer this many milliseconds: the write lands early, its response arrives late. */
  | { kind: "delayResponse"; ms: number }
  /** Answers with a DynamoDB JSON error without forwarding, such as 400 ThrottlingException or 503. */
  | { kind: "error"; status: number; type: string; message?: string }
  /** Destroys the client's socket without forwarding. */
  | { kind: "reset" }
  /** Answers with this JSON body and status 200 without forwarding. */
  | { kind: "answer"; body: unknown }
  /** Never forwards and never answers; the socket stays open until the client gives up or the proxy closes. */
  | { kind: "hang" };

export interface Rule {
  /** DynamoDB operation, such as "UpdateItem"; matched against the X-Amz-Target header. */
  operation: string;
  fault: Fault;
  /** Number of matching requests the rule applies to; it applies to every one when undefined. */
  times?: number;
  /** Narrows the rule to requests whose parsed JSON body passes this check. */
  when?: (body: Record<string, unknown>) => boolean;
}

export interface FaultProxy {
  /** Base URL on 127.0.0.1 to give runjop as --endpoint-url. */
  url: string;
  addRule(rule: Rule): void;
  /** Removes every rule and resets the counts. */
  reset(): void;
  /** Requests received per operation (such as "UpdateItem"), faulted ones included. */
  count(operation: string): number;
  /**
   * Makes ConditionalCheckFailedException answers of UpdateItem carry the item as it is in the
   * table, as DynamoDB does for ReturnValuesOnConditionCheckFailure ALL_OLD; dynalite leaves it out.
   */
  returnItemOnConditionFailure: boolean;
  /**
   * Sets each answer's Date header to the request's X-Amz-Date, the signing time on the client's
   * clock, so that a runjop under faketime sees a store that shares its shifted clock.
   */
  dateFromSigningTime: boolean;
  /**
   * Milliseconds added to the proxy's clock in the Date header of each response, so that the
   * store's clock differs from the real one. 0 keeps the upstream's header, and
   * dateFromSigningTime takes precedence.
   */
  dateShiftMs: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy on a free loopback port in front of a DynamoDB-compatible server,
 * which injects faults into the requests that per-test rules match.
 */
export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  let rules: { rule: Rule; used: number }[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();

  const forward = (
    incoming: IncomingMessage,
    body: Buffer,
    target?: string,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = {
        ...incoming.headers,
        "content-length": String(body.length),
        ...(target ? { "x-amz-target": target } : {}),
      };
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }),
          );
          response.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });

  const proxy: FaultProxy = {
    url: "",
    returnItemOnConditionFailure: false,
    dateFromSigningTime: false,
    dateShiftMs: 0,
    addRule: (rule) => rules.push({ rule, used: 0 }),
    reset: () => {
      rules = [];
      counts.clear();
      proxy.returnItemOnConditionFailure = false;
      proxy.dateShiftMs = 0;
    },
    count: (operation) => counts.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  /** Adds the current item to a ConditionalCheckFailedException body, read with a consistent GetItem. */
  const withItem = async (
    incoming: IncomingMessage,
    request: Record<string, unknown>,
    answer: { status: number; body: Buffer },
  ) => {
    const error = JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;
    if (!String(error.__type ?? "").endsWith("ConditionalCheckFailedException")) return answer.body;
    const get = await forward(
      incoming,
      Buffer.from(JSON.stringify({ TableName: request.TableName, Key: request.Key, ConsistentRead: true })),
      "DynamoDB_20120810.GetItem",
    );
    const item = (JSON.parse(get.body.toString("utf8")) as { Item?: unknown }).Item;
    return Buffer.from(JSON.stringify(item ? { ...error, Item: item } : error));
  };

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer) => {
    const target = String(incoming.headers["x-amz-target"] ?? "");
    const operation = target.split(".").pop() ?? "";
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      // Not JSON: no rule with a body check matches.
    }
    const entry = rules.find(
      ({ rule, used }) =>
        rule.operation === operation &&
        (rule.times === undefined || used < rule.times) &&
        (!rule.when || rule.when(parsed)),
    );
    if (entry) entry.used++;
    const fault = entry?.rule.fault;

    if (fault?.kind === "hang") return;
    if (fault?.kind === "reset") {
      incoming.socket.destroy();
      return;
    }
    if (fault?.kind === "error") {
      const payload = JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${fault.type}`,
        message: fault.message ?? fault.type,
      });
      outgoing.writeHead(fault.status, {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-errortype": fault.type,
        "content-length": Buffer.byteLength(payload),
      });
      outgoing.end(payload);
      return;
    }
    if (fault?.kind === "answer") {
      const payload = JSON.stringify(fault.body);
      outgoing.writeHead(200, {
        "content-type": "application/x-amz-json-1.0",
        "content-length": Buffer.byteLength(payload),
      });
      outgoing.end(payload);
      return;
    }
    if (fault?.kind === "delay") await sleep(fault.ms);

    const answer = await forward(incoming, body);
    if (fault?.kind === "dropResponse") {
      incoming.socket.destroy();
      return;
    }
    if (fault?.kind === "delayResponse") await sleep(fault.ms);
    let answerBody = answer.body;
    if (proxy.returnItemOnConditionFailure && operation === "UpdateItem" && answer.status === 400) {
      answerBody = await withItem(incoming, parsed, answer);
    }
    const headers: Record<string, string | string[] | undefined> = {
      ...answer.headers,
      "content-length": String(answerBody.length),
    };
    delete headers["x-amz-crc32"];
    delete headers["transfer-encoding"];
    const signed = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(String(incoming.headers["x-amz-date"] ?? ""));
    if (proxy.dateFromSigningTime && signed) {
      const [, year, month, day, hour, minute, second] = signed;
      headers.date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`).toUTCString();
    } else if (proxy.dateShiftMs !== 0) {
      headers.date = new Date(Date.now() + proxy.dateShiftMs).toUTCString();
    }
    outgoing.writeHead(answer.status, headers);
    outgoing.end(answerBody);
  };

  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      handle(incoming, outgoing, Buffer.concat(chunks)).catch(() => incoming.socket.destroy());
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
