/**
 * Entry point of the cdktf CLI (`app` in cdktf.json): `npx cdktf synth|diff|deploy <hub>` builds
 * one stack per hub file in `hubs/`, after the checks `jhm validate` makes (`config/validate.ts`).
 */
import { UserError } from '../config/errors';
import { validateHubs } from '../config/validate';
import { createInfraApp } from './synth';

function main(): void {
  try {
    createInfraApp(validateHubs(process.cwd())).synth();
  } catch (e) {
    if (e instanceof UserError) {
      // One line per problem, no stack trace (UserErrors formats every error on its own line).
      console.error(e.format());
      process.exit(1);
    }
    throw e;
  }
}

main();
