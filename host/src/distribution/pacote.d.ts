// The part of pacote 22 (which ships no types) that the installer uses.
declare module 'pacote' {
  import type { Readable } from 'node:stream';

  export interface PacoteOptions {
    registry?: string;
    cache?: string;
    /** Without it the registry's abbreviated document drops every custom field (`toolhost`). */
    fullMetadata?: boolean;
    preferOnline?: boolean;
    /** The expected integrity: a registry that now says otherwise fails EINTEGRITY. */
    integrity?: string;
    packumentCache?: Map<string, unknown>;
    /** Per request, in ms (npm-registry-fetch). */
    timeout?: number;
    fetchRetries?: number;
    fetchRetryFactor?: number;
    fetchRetryMintimeout?: number;
    fetchRetryMaxtimeout?: number;
    signal?: AbortSignal;
    /** `//host:port/:_authToken` and the like. */
    [nerfDartKey: `//${string}`]: string;
  }

  export interface PackageManifest {
    name: string;
    version: string;
    dist: { integrity?: string; shasum?: string; tarball?: string };
    _resolved?: string;
    _integrity?: string;
    [field: string]: unknown;
  }

  export interface Packument {
    name: string;
    'dist-tags': Record<string, string>;
    versions: Record<string, PackageManifest>;
  }

  export function manifest(spec: string, options?: PacoteOptions): Promise<PackageManifest>;
  export function packument(spec: string, options?: PacoteOptions): Promise<Packument>;

  interface Tarball {
    (spec: string, options?: PacoteOptions): Promise<Buffer>;
    /** `handler` may run again on a retry; its promise settles after the integrity check. */
    stream<T>(
      spec: string,
      handler: (stream: Readable) => Promise<T>,
      options?: PacoteOptions,
    ): Promise<T>;
  }
  export const tarball: Tarball;

  const pacote: { manifest: typeof manifest; packument: typeof packument; tarball: Tarball };
  export default pacote;
}
