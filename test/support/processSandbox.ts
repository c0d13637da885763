import { describe, it } from 'vitest';
import { checkProcessSandbox } from '../../host/src/sandbox/checkProcessSandbox.js';

const required = process.env['TOOLHOST_REQUIRE_SERVICES'] === '1';
const verdict = await checkProcessSandbox('bwrap');

/**
 * `describe` for tests of `process` isolation: they need bubblewrap and user namespaces
 * (`.ci/run` installs bubblewrap). Without them the block skips loudly, or fails when
 * `TOOLHOST_REQUIRE_SERVICES=1`, as for PostgreSQL and Redis.
 */
export function describeWithProcessSandbox(name: string, fn: () => void): void {
  if (verdict.available) {
    describe(name, fn);
  } else if (required) {
    describe(name, () => {
      it('needs the process sandbox', () => {
        throw new Error(
          `the process sandbox (bwrap) does not run here and TOOLHOST_REQUIRE_SERVICES=1 requires it: ${verdict.reason}`,
        );
      });
    });
  } else {
    console.warn(`!!! SKIPPED "${name}": the process sandbox does not run here: ${verdict.reason}`);
    describe.skip(`${name} (skipped: no process sandbox)`, fn);
  }
}
