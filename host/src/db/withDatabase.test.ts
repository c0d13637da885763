import { isHostError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './openDatabase.js';
import { withDatabase } from './withDatabase.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
}

function errorWithCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('withDatabase', () => {
  it('passes results and statement errors through, and turns connection errors into unavailable', async () => {
    const database = await openDatabase('sqlite::memory:');
    try {
      expect(await withDatabase(database.orm, async () => 42)).toBe(42);
      const statementError = errorWithCode('syntax error', '42601');
      expect(
        await rejection(
          withDatabase(database.orm, async () => {
            throw statementError;
          }),
        ),
      ).toBe(statementError);
      for (const code of ['ECONNREFUSED', '57P01', '28P01', '3D000', '08006', 'SQLITE_CANTOPEN']) {
        const error = await rejection(
          withDatabase(database.orm, async () => {
            throw errorWithCode(`failed with ${code}`, code);
          }),
        );
        expect(isHostError(error) && error.code, code).toBe('TOOLHOST_ERR_DATABASE_UNAVAILABLE');
        expect((error as Error).message).toContain(`:memory: (failed with ${code})`);
      }
    } finally {
      await database.close();
    }
  });

  it('scrubs credentials a driver puts in its message', async () => {
    const database = await openDatabase('sqlite::memory:');
    try {
      const error = await rejection(
        withDatabase(database.orm, async () => {
          throw errorWithCode('cannot reach postgres://app:hunter2@db:5432/x', 'ECONNREFUSED');
        }),
      );
      expect((error as Error).message).toContain('postgres://app:***@db:5432/x');
      expect((error as Error).message).not.toContain('hunter2');
    } finally {
      await database.close();
    }
  });

  it('fails at once once the database is closed, without running the operation', async () => {
    const database = await openDatabase('sqlite::memory:');
    await database.close();
    let ran = false;
    const error = await rejection(
      withDatabase(database.orm, async () => {
        ran = true;
      }),
    );
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_DATABASE_UNAVAILABLE');
    expect(ran).toBe(false);
  });
});
