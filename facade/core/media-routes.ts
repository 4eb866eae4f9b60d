// The media HTTP API (PROTOCOL.md section 2) for clients without a socket and for the chat page:
// request-upload, the local backend's PUT, confirm-upload, info and download. The same checks as
// over the socket; media belongs to its session (another session's id gets 404) and, for an agent
// with auth, to the identity whose session it is (media-access.ts). Browsers on the
// agent's allowed origins get CORS answers (preflight included) so a page elsewhere can upload.
import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { cors } from "hono/cors";
import * as v from "valibot";
import { contentDisposition } from "../../shared/media/content-disposition.js";
import { MediaError } from "../../shared/media/media-error.js";
import { MEDIA_NOT_CONFIGURED, mediaInfoJson, type FacadeMediaSetting } from "./facade-media.js";
import { mediaAccess, type MediaAccessDeps } from "./media-access.js";
import { originAllowed, type AllowedOrigins } from "./origin-policy.js";

const RequestUploadBody = v.object({
  session_id: v.string("session_id must be a string"),
  filename: v.string("filename must be a string"),
  mime_type: v.string("mime_type must be a string"),
  size_bytes: v.number("size_bytes must be a number"),
});

const ConfirmBody = v.optional(v.object({ session_id: v.optional(v.string("session_id must be a string")) }), {});

const NO_STORE = { "cache-control": "no-store" };

export interface MediaRoutesDeps extends MediaAccessDeps {
  allowedOrigins: AllowedOrigins;
}

export function addMediaRoutes(app: Hono, setting: FacadeMediaSetting | undefined, deps: MediaRoutesDeps): void {
  const { allowedOrigins, logger } = deps;
  app.use(
    "/media/*",
    cors({
      origin: (origin, c) => (originAllowed(origin, c.req.header("host"), allowedOrigins) ? origin : null),
      allowMethods: ["GET", "POST", "PUT"],
      allowHeaders: ["Content-Type", "Authorization"],
      exposeHeaders: ["WWW-Authenticate", "Retry-After"],
      maxAge: 600,
    }),
  );
  if (!setting || "disabled" in setting) {
    const reason = (setting ?? MEDIA_NOT_CONFIGURED).disabled;
    app.all("/media/*", (c) => c.json(errorBody("MEDIA_NOT_ENABLED", reason), 501, NO_STORE));
    return;
  }
  const media = setting;
  const access = mediaAccess(deps);
  const answer = async (c: Context, work: () => Promise<Response>): Promise<Response> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof MediaError) return c.json(errorBody("UPLOAD_FAILED", err.message, err.kind), err.status as ContentfulStatusCode, NO_STORE);
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ path: c.req.path, err: message }, "media storage failed");
      return c.json(errorBody("UPLOAD_FAILED", `the media store is unavailable (${message}); try again`, "storage_failed"), 503, NO_STORE);
    }
  };

  app.post("/media/request-upload", (c) =>
    answer(c, async () => {
      const body = v.safeParse(RequestUploadBody, await c.req.json().catch(() => undefined));
      if (!body.success) throw new MediaError("bad_request", `the body must be JSON {session_id, filename, mime_type, size_bytes}: ${body.issues.map((i) => i.message).join("; ")}`);
      const { session_id, filename, mime_type, size_bytes } = body.output;
      const refused = await access(c, session_id, "claim");
      if (refused) return refused;
      const ticket = await media.uploads.requestUpload({ sessionId: session_id, filename, mimeType: mime_type, sizeBytes: size_bytes });
      return c.json(
        { upload_id: ticket.uploadId, url: ticket.url, method: ticket.method, headers: ticket.headers, storage_ref: ticket.storageRef, expires_at: ticket.expiresAt },
        200,
        NO_STORE,
      );
    }),
  );

  app.put("/media/upload/:uploadId", (c) =>
    answer(c, async () => {
      const length = c.req.header("content-length");
      const info = await media.uploads.receiveLocalUpload(c.req.param("uploadId"), {
        contentType: c.req.header("content-type"),
        contentLength: length === undefined || !/^\d+$/.test(length) ? undefined : Number(length),
        body: media.requestBody?.(c) ?? c.req.raw.body ?? emptyBody(),
      });
      await media.completed(info);
      return c.body(null, 204);
    }),
  );

  app.post("/media/confirm-upload/:uploadId", (c) =>
    answer(c, async () => {
      const text = await c.req.text();
      const body = v.safeParse(ConfirmBody, text.trim() === "" ? undefined : safeJson(text));
      if (!body.success) throw new MediaError("bad_request", `the body, when given, must be JSON {session_id}: ${body.issues.map((i) => i.message).join("; ")}`);
      const refused = await access(c, body.output.session_id, "check");
      if (refused) return refused;
      const info = await media.uploads.confirmUpload(c.req.param("uploadId"), body.output.session_id);
      await media.completed(info);
      return c.json(mediaInfoJson(info), 200, NO_STORE);
    }),
  );

  app.get("/media/info/:sessionId/:mediaId", (c) =>
    answer(c, async () => {
      const refused = await access(c, c.req.param("sessionId"), "check");
      if (refused) return refused;
      return c.json(mediaInfoJson(await media.uploads.mediaInfo(c.req.param("sessionId"), c.req.param("mediaId"))), 200, NO_STORE);
    }),
  );

  app.get("/media/download/:sessionId/:mediaId", (c) =>
    answer(c, async () => {
      const object = { sessionId: c.req.param("sessionId"), mediaId: c.req.param("mediaId") };
      const refused = await access(c, object.sessionId, "check");
      if (refused) return refused;
      if (!media.local) {
        const { url } = await media.uploads.downloadUrl(object.sessionId, object.mediaId);
        return c.redirect(url, 307);
      }
      // The session check first (unknown, another session's or unconfirmed media is refused), then the bytes.
      await media.uploads.mediaInfo(object.sessionId, object.mediaId);
      const download = await media.local.openDownload(object);
      if (!download) throw new MediaError("not_found", `media ${object.mediaId} of session ${object.sessionId} not found (it may have expired)`);
      return c.body(download.body, 200, {
        "content-type": download.mimeType,
        "content-length": String(download.sizeBytes),
        "content-disposition": contentDisposition(download.filename),
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
      });
    }),
  );
}

function errorBody(code: string, message: string, reason?: string): { error: Record<string, string> } {
  return { error: reason ? { code, reason, message } : { code, message } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}
