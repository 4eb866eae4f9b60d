// A Content-Disposition for serving media inline under its original filename. The filename is
// metadata only: quotes, backslashes and control characters never reach the header's syntax, and
// a name beyond printable ASCII goes in RFC 5987's filename* (only then: its ' and * trip
// signature checks of S3 emulators that under-encode query strings). Portable.

export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const plain = `inline; filename="${ascii}"`;
  if (ascii === filename) return plain;
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${plain}; filename*=UTF-8''${encoded}`;
}
