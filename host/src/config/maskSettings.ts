import type { Settings } from './Settings.js';

function maskUrlPassword(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * The settings as they may be logged: the admin and registry tokens, the AWS secret key, every API key's digest
 * and URL passwords replaced by `***` (key names, scopes and tool lists stay).
 */
export function maskSettings(settings: Settings): Record<string, unknown> {
  return {
    ...settings,
    databaseUrl: maskUrlPassword(settings.databaseUrl),
    redisUrl: maskUrlPassword(settings.redisUrl),
    adminToken: settings.adminToken === null ? null : '***',
    apiKeys: settings.apiKeys.map((key) => ({ ...key, sha256: '***' })),
    packageRegistry: {
      ...settings.packageRegistry,
      url: maskUrlPassword(settings.packageRegistry.url),
      token: settings.packageRegistry.token === null ? null : '***',
    },
    auditBlobs: {
      ...settings.auditBlobs,
      credentials:
        settings.auditBlobs.credentials === null
          ? null
          : { accessKeyId: settings.auditBlobs.credentials.accessKeyId, secretAccessKey: '***' },
    },
  };
}
