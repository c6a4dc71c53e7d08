import type { Access } from '../auth/swift-authorizer';
import type { ObjectBody } from '../large-objects/large-objects.service';
import type { ObjectEntity } from '../persistence/object-storage.entities';
import { publicContentType } from '../swift/content-type';
import { headerBytes, metadataHeaders, parseMetadata, titleCase } from '../swift/metadata';
import type { ResponseHeaders } from '../swift/response';
import { lastModified, xTimestamp } from '../swift/timestamps';

/** The headers of an object's GET and HEAD, as the object server and Swift's middlewares set them. */
export function objectHeaders(row: ObjectEntity, body: ObjectBody, access: Access): ResponseHeaders {
  const headers: ResponseHeaders = {
    'Content-Type': headerBytes(publicContentType(row.contentType)),
    Etag: body.quoted ? `"${body.etag}"` : body.etag,
    'Last-Modified': lastModified(row.timestamp),
    'X-Timestamp': xTimestamp(row.timestamp),
    'Accept-Ranges': 'bytes',
  };
  const metadata = parseMetadata(row.metadata);
  // A temporary URL shows only public metadata (tempurl's outgoing_remove_headers).
  const hidden = access === 'tempurl' ? Object.keys(metadata).filter((k) => !k.startsWith('public-')) : [];
  for (const [name, value] of metadataHeaders('object', metadata, hidden)) headers[name] = value;
  for (const [name, value] of Object.entries(parseMetadata(row.headers)))
    headers[titleCase(name)] = headerBytes(value);
  if (row.deleteAt !== null) headers['X-Delete-At'] = row.deleteAt;
  if (row.dloManifest !== null) headers['X-Object-Manifest'] = headerBytes(row.dloManifest);
  if (row.sloEtag !== null) {
    headers['X-Static-Large-Object'] = 'True';
    headers['X-Manifest-Etag'] = row.etag;
  }
  return headers;
}
