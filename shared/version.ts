// The version is written once, in package.json: source runs read it from there, the single
// executable's bundle carries it inlined.
import packageJson from '../package.json' with { type: 'json' };

/** The version every part of kedge reports. */
export const kedgeVersion: string = packageJson.version;

/** A kedge version where Kubernetes shows a gitVersion: the API level kedge imitates, then kedge's own. */
export function kubeGitVersion(version: string): string {
  return `v1.30.0+kedge-${version}`;
}

/** The Kubernetes API level kedge imitates (reported to kubectl). */
export const kubeVersion = { major: '1', minor: '30', gitVersion: kubeGitVersion(kedgeVersion) };
