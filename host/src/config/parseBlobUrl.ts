/** Where `AUDIT_BLOB_URL` points: the filesystem (unset) or an S3 bucket and key prefix. */
export type BlobLocation = { kind: 'file' } | { kind: 's3'; bucket: string; prefix: string };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * `s3://bucket` or `s3://bucket/some/prefix` (slashes at either end of the prefix dropped).
 * @throws RangeError naming what is wrong, for the settings error to show.
 */
export function parseBlobUrl(url: string | null): BlobLocation {
  if (url === null) return { kind: 'file' };
  const match = /^s3:\/\/([^/]+)(\/.*)?$/.exec(url);
  if (match === null) throw new RangeError('must be s3://<bucket>[/<prefix>]');
  const bucket = match[1] ?? '';
  if (!BUCKET.test(bucket)) {
    throw new RangeError(`bucket ${JSON.stringify(bucket)} is not a valid S3 bucket name`);
  }
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix !== '' && !prefix.split('/').every((s) => /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(s))) {
    throw new RangeError(`prefix ${JSON.stringify(prefix)} has an empty or unusual segment`);
  }
  return { kind: 's3', bucket, prefix };
}
