/** The SDK version a host provides; plugins declare a semver range against it in `toolhost.sdk`. */
export const SDK_VERSION = '1.1.0';
