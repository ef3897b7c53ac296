import type { FlagSpec } from './args.js';

export const namespaceFlag: FlagSpec = {
  name: 'namespace',
  short: 'n',
  type: 'string',
  valueName: 'NAME',
  description: "Namespace (default: the kubeconfig context's, else default)",
};
