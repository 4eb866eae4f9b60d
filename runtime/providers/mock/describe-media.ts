// The `media` scenario's answer: for each media part of the user's latest message, its MIME type,
// its size in bytes and the SHA-256 of its bytes in hex, so a test can prove the bytes arrived
// intact. A script asks for it with `{{media}}` in a reply's text.
import { createHash } from "node:crypto";
import type { ModelMessage, ModelPart } from "../language-model.js";

export const MEDIA_PLACEHOLDER = "{{media}}";

/** Reads the bytes of a part that carries only a storage_ref (the runtime's media resolver). */
export type MediaBytesResolver = (storageRef: string) => Promise<Uint8Array>;

/** `image/png, 1234 bytes, sha256 <hex>` per media part, joined by "; "; "no media" when there is none. */
export async function describeMedia(messages: readonly ModelMessage[], resolve?: MediaBytesResolver): Promise<string> {
  const latest = [...messages].reverse().find((m) => m.role === "user");
  const parts = latest?.role === "user" ? (latest.parts ?? []).filter((p) => p.type !== "text" && p.media !== undefined) : [];
  if (parts.length === 0) return "no media";
  const lines: string[] = [];
  for (const part of parts) lines.push(await describePart(part, resolve));
  return lines.join("; ");
}

async function describePart(part: ModelPart, resolve: MediaBytesResolver | undefined): Promise<string> {
  const mime = part.media?.mimeType ?? "application/octet-stream";
  const bytes = await bytesOf(part, resolve);
  if (typeof bytes === "string") return `${mime}, ${bytes}`;
  return `${mime}, ${bytes.byteLength} bytes, sha256 ${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The part's bytes, or why there are none. */
async function bytesOf(part: ModelPart, resolve: MediaBytesResolver | undefined): Promise<Uint8Array | string> {
  const media = part.media ?? {};
  if (media.data !== undefined) return Buffer.from(media.data, "base64");
  if (media.url?.startsWith("data:")) {
    const comma = media.url.indexOf(",");
    const header = media.url.slice(0, comma);
    const body = media.url.slice(comma + 1);
    return header.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body));
  }
  if (media.url !== undefined) {
    const res = await fetch(media.url);
    if (!res.ok) return `bytes unavailable (GET ${new URL(media.url).origin} answered ${res.status})`;
    return new Uint8Array(await res.arrayBuffer());
  }
  if (media.storageRef !== undefined && resolve) return resolve(media.storageRef);
  return "bytes unavailable (the part carries no data)";
}
