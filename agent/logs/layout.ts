/** Container log files laid out like kubelet's: <root>/<namespace>_<pod>_<uid>/<container>/<restartCount>.log */
import { join } from 'node:path';
import { KedgeError } from '../../shared/errors.js';

export interface LogRef {
  namespace: string;
  pod: string;
  uid: string;
  container: string;
  restartCount: number;
}

/** Names become path parts, so nothing that could climb out of root (/, .., NUL) gets through. */
const safeName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(field: string, v: string): void {
  if (!safeName.test(v) || v.includes('..') || v.length > 253) {
    throw new KedgeError('Invalid', `log path: ${field} "${v}" must be letters, digits, . _ - (starting with a letter or digit)`);
  }
}

export function podLogDir(root: string, ref: Pick<LogRef, 'namespace' | 'pod' | 'uid'>): string {
  checkName('namespace', ref.namespace);
  checkName('pod', ref.pod);
  checkName('uid', ref.uid);
  return join(root, `${ref.namespace}_${ref.pod}_${ref.uid}`);
}

export function logPathFor(root: string, ref: LogRef): string {
  checkName('container', ref.container);
  if (!Number.isInteger(ref.restartCount) || ref.restartCount < 0) {
    throw new KedgeError('Invalid', `log path: restartCount must be a non-negative integer, got ${ref.restartCount}`);
  }
  return join(podLogDir(root, ref), ref.container, `${ref.restartCount}.log`);
}
