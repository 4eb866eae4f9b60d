// pipelineWrites: up to WINDOW messages in flight before the Writable waits (on a plain Node
// Writable whose acknowledgements the test holds back, as grpc-js holds them until the HTTP/2
// stream has flushed), and on a real grpc-js server and client over loopback every message of a
// large burst arrives, in order.
import { once } from "node:events";
import { Writable } from "node:stream";
import { Server, ServerCredentials, credentials, makeGenericClientConstructor, type ClientReadableStream, type ServerWritableStream } from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { pipelineWrites, WINDOW } from "./pipelined-writes.js";

/** A Writable that records what it got and acknowledges each write only when the test says. */
function heldWritable(): { stream: Writable; got: number[]; release(n: number): void } {
  const got: number[] = [];
  const held: Array<() => void> = [];
  const stream = new Writable({
    objectMode: true,
    write(chunk: number, _encoding, callback) {
      got.push(chunk);
      held.push(() => callback());
    },
  });
  return { stream, got, release: (n) => held.splice(0, n).forEach((ack) => ack()) };
}

describe("pipelineWrites on a Writable", () => {
  it("hands WINDOW messages over without waiting for their acknowledgements, then holds the writer until they come", async () => {
    const { stream, got, release } = heldWritable();
    pipelineWrites(stream);
    const hwm = stream.writableHighWaterMark;
    const accepted: boolean[] = [];
    for (let i = 0; i < WINDOW + hwm + 10; i++) accepted.push(stream.write(i));
    // Without pipelining only the first message would have been handed over.
    expect(got).toEqual([...Array(WINDOW).keys()]);
    // The writer is told to wait once the Writable's own buffer fills behind the held window.
    const firstRefused = accepted.indexOf(false);
    expect(firstRefused).toBeGreaterThan(WINDOW);
    expect(firstRefused).toBeLessThan(WINDOW + hwm);

    const drained = once(stream, "drain");
    release(5);
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toHaveLength(WINDOW + 5);
    for (let i = 0; i < 20 && got.length < WINDOW + hwm + 10; i++) {
      release(1_000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    release(1_000);
    await drained;
    expect(got).toEqual([...Array(WINDOW + hwm + 10).keys()]);
  });

  it("fails the stream with a write's error", async () => {
    const stream = new Writable({ objectMode: true, write: (_chunk, _encoding, callback) => setImmediate(() => callback(new Error("the stream broke"))) });
    pipelineWrites(stream);
    stream.write(1);
    const [err] = (await once(stream, "error")) as [Error];
    expect(err.message).toBe("the stream broke");
  });
});

const MESSAGES = 20_000;
const identity = (b: Buffer) => b;
const service = {
  stream: { path: "/test.Burst/Stream", requestStream: false, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};

let server: Server | undefined;
afterEach(() => server?.forceShutdown());

describe("pipelineWrites on a grpc-js server call", () => {
  it("delivers a burst written at once, every message in order, to a caller that pauses and resumes", async () => {
    server = new Server();
    server.addService(service, {
      stream: async (call: ServerWritableStream<Buffer, Buffer>) => {
        pipelineWrites(call);
        for (let i = 0; i < MESSAGES; i++) {
          const message = Buffer.alloc(64);
          message.writeUInt32BE(i);
          if (!call.write(message)) await Promise.race([once(call, "drain"), once(call, "cancelled")]);
          if (call.cancelled) return;
        }
        call.end();
      },
    });
    const port = await new Promise<number>((resolve, reject) => server?.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    const client = new (makeGenericClientConstructor(service, "Burst"))(`127.0.0.1:${port}`, credentials.createInsecure());
    try {
      const call = (client as unknown as { stream(request: Buffer): ClientReadableStream<Buffer> }).stream(Buffer.alloc(0));
      call.pause();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const seen: number[] = [];
      call.on("data", (message: Buffer) => seen.push(message.readUInt32BE(0)));
      call.resume();
      await once(call, "end");
      expect(seen).toHaveLength(MESSAGES);
      expect(seen.every((n, i) => n === i)).toBe(true);
    } finally {
      client.close();
    }
  });
});
