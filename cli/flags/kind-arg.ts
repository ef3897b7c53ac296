import { KedgeError } from '../../shared/errors.js';
import { kinds, resolveKind, type KindInfo } from '../../shared/kinds.js';

const served = kinds.map((k) => `${k.plural}${k.shortNames.length ? ` (${k.shortNames.join(', ')})` : ''}`).join(', ');

/** What a user typed as a resource type → the kind; unknown ones list what kedge serves. */
export function kindArg(word: string): KindInfo {
  const info = resolveKind(word);
  if (!info) throw new KedgeError('BadRequest', `unknown resource type "${word}"; kedge serves ${served}`);
  return info;
}

/** `KIND NAME…` or `KIND/NAME…` → the kind and the names. */
export function kindAndNames(positionals: string[], command: string): { info: KindInfo; names: string[] } | undefined {
  if (!positionals.length) return undefined;
  const first = positionals[0]!;
  if (first.includes('/')) {
    const refs = positionals.map((p) => {
      const slash = p.indexOf('/');
      if (slash <= 0 || slash === p.length - 1) throw new KedgeError('BadRequest', `${command}: "${p}" is not KIND/NAME`);
      return { info: kindArg(p.slice(0, slash)), name: p.slice(slash + 1) };
    });
    if (refs.some((r) => r.info !== refs[0]!.info)) throw new KedgeError('BadRequest', `${command}: give names of one resource type at a time`);
    return { info: refs[0]!.info, names: refs.map((r) => r.name) };
  }
  const names = positionals.slice(1);
  const bad = names.find((n) => n.includes('/'));
  if (bad) throw new KedgeError('BadRequest', `${command}: "${bad}": there is no need to give a resource type as KIND/NAME after "${first}"`);
  return { info: kindArg(first), names };
}
