import type { KindInfo } from '../../shared/kinds.js';

/** kubectl's name for a kind in "deployment.apps/hello created". */
export function kindLabel(info: KindInfo): string {
  return info.group ? `${info.singular}.${info.group}` : info.singular;
}

/** kubectl's name for a resource in `deployments.apps "x" not found`. */
export function resourceLabel(info: KindInfo): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

export function notFoundLine(info: KindInfo, name: string): string {
  return `Error from server (NotFound): ${resourceLabel(info)} "${name}" not found`;
}
