/** What a user sees of an error: for the tests of one-line errors. */
import { UserError, UserErrors } from '../../model/errors';

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

/** The lines of what `fn` throws: each error of a UserErrors, or the one of a UserError; none when it throws nothing; any other error is thrown on. */
export function userErrorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserErrors) return e.errors.map((x) => x.format());
    if (e instanceof UserError) return [e.format()];
    throw e;
  }
  return [];
}
