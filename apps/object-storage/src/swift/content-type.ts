/** The types Python's mimetypes guesses most often; Swift guesses from the name when a PUT sends none. */
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  text: 'text/plain',
  log: 'text/plain',
  conf: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  json: 'application/json',
  xml: 'text/xml',
  md: 'text/markdown',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/x-tar',
  tar: 'application/x-tar',
  bz2: 'application/x-bzip2',
  xz: 'application/x-xz',
  iso: 'application/x-iso9660-image',
  img: 'application/octet-stream',
  qcow2: 'application/octet-stream',
  bin: 'application/octet-stream',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  ico: 'image/vnd.microsoft.icon',
  mp3: 'audio/mpeg',
  wav: 'audio/x-wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  sh: 'application/x-sh',
  py: 'text/x-python',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function guessContentType(objectName: string): string {
  const dot = objectName.lastIndexOf('.');
  if (dot < 0 || dot < objectName.lastIndexOf('/')) return DEFAULT_CONTENT_TYPE;
  return BY_EXTENSION[objectName.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

/** Listings and responses never show the swift_bytes parameter Swift uses internally. */
export function publicContentType(contentType: string): string {
  return contentType.replace(/;\s*swift_bytes=\d+/i, '');
}
