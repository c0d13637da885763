export { SDK_VERSION as HOST_SDK_VERSION } from '@toolhost/plugin-sdk/host';
