// MIME type checks for uploads: syntax, and membership in an allowed list with wildcards
// (`image/*`, `*/*`). Parameters (`; charset=utf-8`) do not take part in the match. Portable.

/** The reference's default for spec.console.allowedAttachmentTypes: images, audio, video, PDF, plain text. */
export const DEFAULT_ALLOWED_MIME_TYPES: readonly string[] = ["image/*", "audio/*", "video/*", "application/pdf", "text/plain"];

const TOKEN = "[A-Za-z0-9!#$&^_.+-]+";
const MIME = new RegExp(`^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=("[^"]*"|${TOKEN}))*$`);

export function isMimeType(value: string): boolean {
  return MIME.test(value.trim());
}

/** `type/subtype` in lower case, without parameters. */
export function mimeEssence(value: string): string {
  return (value.split(";")[0] ?? "").trim().toLowerCase();
}

export function isMimeAllowed(mimeType: string, allowed: readonly string[]): boolean {
  const [type, subtype] = mimeEssence(mimeType).split("/");
  return allowed.some((pattern) => {
    const [allowedType, allowedSubtype] = mimeEssence(pattern).split("/");
    return (allowedType === "*" || allowedType === type) && (allowedSubtype === "*" || allowedSubtype === subtype);
  });
}
