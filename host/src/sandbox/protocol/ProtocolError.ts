/** What the protocol layer itself reports: a closed channel, an unknown method, a bad frame. */
export type ProtocolErrorCode = 'closed' | 'unknown_method' | 'bad_frame' | 'not_serializable';

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}
