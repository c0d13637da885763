import { ID_PATTERN } from '../session/assertSessionId.js';
import { HttpProblem } from './problem.js';

/** The `:sessionId` path parameter. @throws HttpProblem 400 when it breaks the id rule. */
export function sessionIdParam(value: string | undefined): string {
  if (value === undefined || !ID_PATTERN.test(value)) {
    throw new HttpProblem(
      'TOOLHOST_HTTP_INVALID_BODY',
      'path parameter sessionId must be 1 to 128 characters from A-Z a-z 0-9 . _ : -',
    );
  }
  return value;
}

/** The 404 of a session that is missing or another key's: the two look alike. */
export function unknownSession(sessionId: string): HttpProblem {
  return new HttpProblem('TOOLHOST_HTTP_SESSION_UNKNOWN', `no session '${sessionId}'`);
}
