/**
 * Entry point of the cdktf CLI (`app` in cdktf.json): `npx cdktf synth|diff|deploy <hub>` builds
 * one stack per hub file in `hubs/`, after the checks `jhm validate` and `jhm synth` make
 * (`config/validate.ts`). Problems are printed as `jhm` prints them (`synth/report.ts`): one line
 * each, `error: file:line: field: message (fix)`, exit status 1, a stack trace only with JHM_DEBUG.
 */
import { reportError } from './report';
import { validateHubs } from '../config/validate';
import { createInfraApp } from '../infra/synth';

try {
  createInfraApp(validateHubs(process.cwd())).synth();
} catch (e) {
  process.exitCode = reportError(e, Boolean(process.env.JHM_DEBUG));
}
