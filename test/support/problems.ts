/** Test helper: the one-line problems a call throws as `UserErrors` (none when it succeeds); anything else is rethrown. */
import { UserErrors } from '../../model/errors';

export function problems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof UserErrors) return e.errors.map((x) => x.format());
    throw e;
  }
  return [];
}
