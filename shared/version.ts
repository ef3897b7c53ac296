/** The version every part of kedge reports. */
export const kedgeVersion = '0.1.0';
/** The Kubernetes API level kedge imitates (reported to kubectl). */
export const kubeVersion = { major: '1', minor: '30', gitVersion: 'v1.30.0+kedge-0.1.0' };
