// grpc-js acknowledges a streamed message only once the HTTP/2 stream has flushed it to the
// socket, and a Writable hands over its next message only after that acknowledgement: each word
// of an answer waited a full trip through the event loop, so under load every turn's words left
// one per socket write, interleaved with every other turn's, and the facade wrote one WebSocket
// frame per read. Letting up to WINDOW messages be in flight (acknowledged to the Writable at
// once, the window held by the HTTP/2 stream's own acknowledgements) sends the words produced in
// one go in one write, and keeps backpressure: past the window the Writable waits as before.
import type { Writable } from "node:stream";

/** Messages handed to grpc-js and not yet flushed by it, before the writer is made to wait. */
export const WINDOW = 64;

type WriteCallback = (error?: Error | null) => void;
type WriteMethod = (chunk: unknown, encoding: BufferEncoding, callback: WriteCallback) => void;

/** Rewires `stream` (a grpc-js server call) so up to WINDOW written messages are in flight at once. */
export function pipelineWrites(stream: Writable): void {
  const target = stream as unknown as { _write: WriteMethod };
  const send = target._write.bind(stream);
  let inFlight = 0;
  let blocked: WriteCallback | null = null;
  target._write = (chunk, encoding, callback) => {
    inFlight++;
    send(chunk, encoding, (error) => {
      inFlight--;
      const waiting = blocked;
      if (error) {
        // The Writable may already have been told this write went well: fail the stream itself.
        blocked = null;
        if (waiting) waiting(error);
        else stream.destroy(error);
        return;
      }
      if (waiting && inFlight < WINDOW) {
        blocked = null;
        waiting();
      }
    });
    if (inFlight < WINDOW) callback();
    else blocked = callback;
  };
}
