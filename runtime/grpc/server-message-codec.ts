// The runtime's serializer for Converse responses. A turn sends one Chunk per streamed word, so
// chunks are most of what the runtime ever encodes: they are written by hand (two short strings,
// three tags) straight into one Buffer, about 0.4 µs against 2.5-4 µs for create() + toBinary()
// (a BinaryWriter, per-field writers, TextEncoder) + the copy into a Buffer. Every other message
// goes through toBinary. The bytes are the same as toBinary's (server-message-codec.test.ts).
import { toBinary, type Message } from "@bufbuild/protobuf";
import { ServerMessageSchema, type Chunk, type ServerMessage } from "../../shared/gen/omnia/runtime/v1/runtime_pb.js";

// Stops compiling when Chunk gains a field, which encodeChunk would otherwise drop without a word.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const CHUNK_FIELDS_ENCODED: Same<Exclude<keyof Chunk, keyof Message>, "content" | "role"> = true;

// Tags: field number << 3 | wire type 2 (length-delimited).
const SERVER_MESSAGE_CHUNK_TAG = 0x0a; // ServerMessage.chunk = 1
const CHUNK_CONTENT_TAG = 0x0a; // Chunk.content = 1
const CHUNK_ROLE_TAG = 0x12; // Chunk.role = 2

export function serializeServerMessage(message: ServerMessage): Buffer {
  const m = message.message;
  if (m.case === "chunk" && message.$unknown === undefined && m.value.$unknown === undefined) {
    return encodeChunk(m.value.content, m.value.role);
  }
  const bytes = toBinary(ServerMessageSchema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function encodeChunk(content: string, role: string): Buffer {
  // proto3 strings are implicit-presence: an empty one is not written at all.
  const contentBytes = content === "" ? 0 : Buffer.byteLength(content, "utf8");
  const roleBytes = role === "" ? 0 : Buffer.byteLength(role, "utf8");
  const chunkBytes = fieldSize(contentBytes) + fieldSize(roleBytes);
  const out = Buffer.allocUnsafe(1 + varintSize(chunkBytes) + chunkBytes);
  out[0] = SERVER_MESSAGE_CHUNK_TAG;
  let at = writeVarint(out, 1, chunkBytes);
  if (contentBytes > 0) at = writeString(out, at, CHUNK_CONTENT_TAG, content, contentBytes);
  if (roleBytes > 0) writeString(out, at, CHUNK_ROLE_TAG, role, roleBytes);
  return out;
}

function fieldSize(stringBytes: number): number {
  return stringBytes === 0 ? 0 : 1 + varintSize(stringBytes) + stringBytes;
}

function writeString(out: Buffer, at: number, tag: number, value: string, bytes: number): number {
  out[at] = tag;
  at = writeVarint(out, at + 1, bytes);
  return at + out.write(value, at, bytes, "utf8");
}

function varintSize(value: number): number {
  let size = 1;
  while (value > 0x7f) {
    value >>>= 7;
    size++;
  }
  return size;
}

function writeVarint(out: Buffer, at: number, value: number): number {
  while (value > 0x7f) {
    out[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[at++] = value;
  return at;
}
