/** What a user sees of an error: for the tests of one-line errors. */
import { UserError } from '../../model/errors';

/** The one line of the UserError `fn` throws; any other error is thrown on, and none fails the test. */
export function userErrorLine(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e.format();
    throw e;
  }
  throw new Error('expected a UserError');
}
