import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { HostError, isHostError } from '../errors.js';
import { assertBlobKey, type BlobStore } from './BlobStore.js';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Put before every key, without slashes at either end; '' for none. */
  prefix: string;
  /** `AWS_ENDPOINT_URL_S3`: an S3-compatible server; addressed path-style. Null: AWS itself. */
  endpoint: string | null;
  /** `AWS_REGION`; null lets the SDK find it (`us-east-1` beside an endpoint). */
  region: string | null;
  /** Null: the SDK's default chain (its environment variables, profiles, instance roles). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
}

/** An error's name, code and HTTP status: never its message, which may quote a signed URL. */
function reasonOf(error: unknown): string {
  if (error instanceof S3ServiceException) {
    return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? '?'})`;
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return 'unknown error';
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === status;
}

/**
 * A BlobStore in an S3 bucket (`AUDIT_BLOB_URL=s3://bucket/prefix`), the bucket created on
 * first use when it is missing. Checksums only where S3 requires them: otherwise the SDK
 * frames streamed uploads as aws-chunked, which S3-compatible servers may store verbatim.
 * @throws HostError `TOOLHOST_ERR_BLOB_STORE_UNAVAILABLE` from `put`/`get` when S3 fails.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore & { close(): void } {
  const { bucket } = options;
  const client = new S3Client({
    ...(options.endpoint === null ? {} : { endpoint: options.endpoint, forcePathStyle: true }),
    ...(options.region === null
      ? options.endpoint === null
        ? {}
        : { region: 'us-east-1' }
      : { region: options.region }),
    ...(options.credentials === null ? {} : { credentials: options.credentials }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
  });
  const objectKey = (key: string) => (options.prefix === '' ? key : `${options.prefix}/${key}`);
  const unavailable = (action: string, key: string, error: unknown) =>
    isHostError(error)
      ? error
      : new HostError(
          'TOOLHOST_ERR_BLOB_STORE_UNAVAILABLE',
          {
            store: `s3://${bucket}/${objectKey(key)}`,
            details: `${action} failed: ${reasonOf(error)}`,
          },
          { cause: error },
        );

  let bucketReady: Promise<void> | null = null;
  const ensureBucket = () => {
    bucketReady ??= (async () => {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
        try {
          await client.send(new CreateBucketCommand({ Bucket: bucket }));
        } catch (createError) {
          // Another host created it first.
          if (!isStatus(createError, 409)) throw createError;
        }
      }
    })().catch((error: unknown) => {
      bucketReady = null;
      throw error;
    });
    return bucketReady;
  };

  return {
    async put(key, data) {
      assertBlobKey(key);
      try {
        await ensureBucket();
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectKey(key),
            Body: typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
            ContentType: 'application/json',
          }),
        );
      } catch (error) {
        throw unavailable('put', key, error);
      }
    },
    async get(key) {
      assertBlobKey(key);
      try {
        const object = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }),
        );
        if (object.Body === undefined) return null;
        return Buffer.from(await object.Body.transformToByteArray());
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw unavailable('get', key, error);
      }
    },
    close() {
      client.destroy();
    },
  };
}
