// Checks of `application_inference_profiles` on Bedrock provider configs: the ARN's form, its region, and the ids it maps.
import type { ConfigPath, PathProblem } from './positions.js';
import type { FileConfig } from './schema.js';
import { collectVirtualKeys } from './virtual-keys.js';

/** `arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID` (also the aws-cn and aws-us-gov partitions). */
const APPLICATION_PROFILE_ARN = /^arn:aws(?:-[a-z]+)*:bedrock:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):application-inference-profile\/([a-z0-9]+)$/;

/** The region of an application inference profile ARN, or undefined when the text is not one. */
export function applicationProfileRegion(arn: string): string | undefined {
  return APPLICATION_PROFILE_ARN.exec(arn)?.[1];
}

function error(path: ConfigPath, message: string): PathProblem {
  return { severity: 'error', path, part: 'value', message };
}

export function inferenceProfileProblems(file: FileConfig): PathProblem[] {
  const out: PathProblem[] = [];
  const teams = new Set(file.budgets.team.map((t) => t.id));
  const keys = new Set(collectVirtualKeys(file).map((k) => k.def.id));
  file.accounts.forEach((account, a) => {
    account.providers.forEach((p, i) => {
      const profiles = p.application_inference_profiles;
      if (!profiles) return;
      const at: ConfigPath = ['accounts', a, 'providers', i, 'application_inference_profiles'];
      if (p.type !== 'bedrock') {
        out.push(error(at, `application_inference_profiles are for bedrock provider configs; ${p.id} is ${p.type}`));
        return;
      }
      const entries = [
        ...Object.entries(profiles.team).map(([id, arn]) => ({ kind: 'team' as const, id, arn })),
        ...Object.entries(profiles.virtual_key).map(([id, arn]) => ({ kind: 'virtual_key' as const, id, arn })),
      ];
      for (const { kind, id, arn } of entries) {
        const path: ConfigPath = [...at, kind, id];
        if (kind === 'team' && !teams.has(id)) out.push({ ...error(path, `team "${id}" has no entry in budgets.team`), part: 'key' });
        if (kind === 'virtual_key' && !keys.has(id)) out.push({ ...error(path, `virtual key "${id}" is not named anywhere else in the file`), part: 'key' });
        const region = applicationProfileRegion(arn);
        if (region === undefined) {
          out.push(error(path, `"${arn}" is not an application inference profile ARN (arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID)`));
        } else if (p.region === undefined) {
          out.push(error(path, `provider config ${p.id} has no region: an application inference profile is regional, so set region: ${region}`));
        } else if (region !== p.region) {
          out.push(error(path, `the profile is in ${region} but provider config ${p.id} calls Bedrock in ${p.region}: Bedrock only serves a profile in its own region`));
        }
      }
    });
  });
  return out;
}
