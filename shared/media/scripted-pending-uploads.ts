// Pending uploads in Redis, shared by the ioredis backend (pods) and the Upstash REST backend
// (edge): the same keys and the same Lua scripts, so an upload requested at the edge is confirmed
// in a pod and back. Every operation is one script, so one round trip. Key layout, `prefix` being
// the optional keyPrefix:
//   {prefix}upload:{upload_id}                     HASH   request (JSON of the upload as requested),
//                                                         state (pending|confirmed), confirmedAt (epoch ms)
//   {prefix}session:{session_id}:media:{media_id}  STRING the upload_id that made the media
// Both carry the media's TTL, so they go with the media. The upload id leads to the record with
// no session id at hand (the HTTP confirm route has none); the media key answers a message part's
// storage_ref. Portable (the backends hand in how a script runs).
import * as v from "valibot";
import { PendingUploadSchema, PendingUploadsUnavailableError, type ConfirmOutcome, type PendingUpload, type PendingUploads } from "./pending-uploads.js";

const ADD = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'request', ARGV[1], 'state', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1
`;

const GET = `return redis.call('HMGET', KEYS[1], 'request', 'state', 'confirmedAt')`;

// The media key names the upload; its record is read in the same script.
const GET_BY_MEDIA = `
local id = redis.call('GET', KEYS[1])
if not id then return {false, false, false} end
return redis.call('HMGET', ARGV[1] .. id, 'request', 'state', 'confirmedAt')
`;

const CONFIRM = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'not_found' end
if state == 'confirmed' then return 'already_confirmed' end
redis.call('HSET', KEYS[1], 'state', 'confirmed', 'confirmedAt', ARGV[1])
return 'confirmed'
`;

export const UPLOAD_SCRIPTS = { add: ADD, get: GET, getByMedia: GET_BY_MEDIA, confirm: CONFIRM } as const;
export type UploadScript = keyof typeof UPLOAD_SCRIPTS;

// A missing field comes back as null (ioredis, REST) or false (Lua false through RESP).
const Field = v.nullable(v.union([v.string(), v.literal(false)]));
const RecordReply = v.tuple([Field, Field, Field]);
const ConfirmReply = v.picklist(["confirmed", "already_confirmed", "not_found"]);

export abstract class ScriptedPendingUploads implements PendingUploads {
  constructor(
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  /** Runs one of UPLOAD_SCRIPTS; throws PendingUploadsUnavailableError when the store cannot answer. */
  protected abstract runScript(script: UploadScript, keys: string[], args: string[]): Promise<unknown>;

  abstract close(): Promise<void>;

  async add(upload: PendingUpload): Promise<void> {
    const ttlMs = Math.max(1, Math.ceil(upload.mediaExpiresAt - this.now()));
    const { state, confirmedAt: _, ...request } = upload;
    await this.runScript("add", [this.uploadKey(upload.uploadId), this.mediaKey(upload.sessionId, upload.mediaId)], [JSON.stringify(request), state, upload.uploadId, String(ttlMs)]);
  }

  async get(uploadId: string): Promise<PendingUpload | null> {
    return this.toUpload(await this.runScript("get", [this.uploadKey(uploadId)], []));
  }

  async getByMedia(sessionId: string, mediaId: string): Promise<PendingUpload | null> {
    const upload = this.toUpload(await this.runScript("getByMedia", [this.mediaKey(sessionId, mediaId)], [`${this.prefix}upload:`]));
    // The pointer is per session already; this guards against a record that says otherwise.
    return upload && upload.sessionId === sessionId ? upload : null;
  }

  async confirm(uploadId: string, at: number): Promise<ConfirmOutcome> {
    return this.parse(ConfirmReply, await this.runScript("confirm", [this.uploadKey(uploadId)], [String(at)]));
  }

  private toUpload(reply: unknown): PendingUpload | null {
    const [request, state, confirmedAt] = this.parse(RecordReply, reply);
    if (!request || !state) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(request);
    } catch {
      throw new PendingUploadsUnavailableError("pending upload record is not JSON");
    }
    const record = { ...(typeof parsed === "object" ? parsed : {}), state, ...(confirmedAt ? { confirmedAt: Number(confirmedAt) } : {}) };
    return this.parse(PendingUploadSchema, record);
  }

  private parse<T>(schema: v.GenericSchema<unknown, T>, reply: unknown): T {
    const result = v.safeParse(schema, reply);
    if (result.success) return result.output;
    throw new PendingUploadsUnavailableError(`pending uploads: unexpected reply from the store (${result.issues[0]?.message ?? "invalid"})`);
  }

  private uploadKey(uploadId: string): string {
    return `${this.prefix}upload:${uploadId}`;
  }

  private mediaKey(sessionId: string, mediaId: string): string {
    return `${this.prefix}session:${sessionId}:media:${mediaId}`;
  }
}
