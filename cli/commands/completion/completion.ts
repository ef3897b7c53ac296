import { KedgeError } from '../../../shared/errors.js';
import { kinds } from '../../../shared/kinds.js';
import type { Command } from '../../command.js';

/** What the script needs to know of one command. */
export interface CompletionCommand {
  name: string;
  flags: string[];
}

/** Words of the second argument, per command. */
const subcommands: Record<string, string[]> = {
  rollout: ['status', 'history', 'undo', 'restart', 'pause', 'resume'],
  token: ['create', 'list', 'delete', 'rotate'],
  completion: ['bash', 'zsh'],
  top: ['nodes'],
};

/** Commands whose second argument is a resource type and the following ones its names. */
const byKind = ['get', 'delete', 'describe', 'label', 'scale', 'cordon', 'uncordon', 'drain'];

const q = (words: string[]) => words.join(' ');

/**
 * The bash completion script: commands, each command's flags, resource types, and names of
 * objects (asked of the server with `kedge get TYPE -o name` as you type).
 */
export function bashCompletion(commands: CompletionCommand[]): string {
  const kindWords = [...new Set(kinds.flatMap((k) => [k.plural, ...k.shortNames]))];
  const flagCases = commands.map((c) => `      ${c.name}) flags="${q(c.flags)}" ;;`).join('\n');
  const subCases = Object.entries(subcommands).map(([c, w]) => `      ${c}) COMPREPLY=( $(compgen -W "${q(w)}" -- "$cur") ); return ;;`).join('\n');
  return `# kedge bash completion. Load it with: source <(kedge completion bash)
__kedge_names() {
  local kind="$1" ns="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -n|--namespace) ns="--namespace=\${COMP_WORDS[i+1]}" ;; esac
  done
  kedge get "$kind" -o name $ns 2>/dev/null | sed 's|^[^/]*/||'
}

_kedge() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}" flags=""
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${q(commands.map((c) => c.name))}" -- "$cur") )
    return
  fi
  case "$prev" in
    -o|--output) COMPREPLY=( $(compgen -W "wide yaml json name" -- "$cur") ); return ;;
    -n|--namespace) COMPREPLY=( $(compgen -W "$(__kedge_names namespaces)" -- "$cur") ); return ;;
    -c|--container) return ;;
    -f|--filename|--kubeconfig|--token-file|--data-dir|--agent-data-dir) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${flagCases}
    esac
    COMPREPLY=( $(compgen -W "$flags" -- "$cur") )
    return
  fi
  if [ "$COMP_CWORD" -eq 2 ]; then
    case "$cmd" in
${subCases}
      ${byKind.join('|')}) COMPREPLY=( $(compgen -W "${q(kindWords)}" -- "$cur") ); return ;;
      logs|exec) COMPREPLY=( $(compgen -W "$(__kedge_names pods)" -- "$cur") ); return ;;
      help) COMPREPLY=( $(compgen -W "${q(commands.map((c) => c.name))}" -- "$cur") ); return ;;
    esac
  fi
  case "$cmd" in
    ${byKind.join('|')}) [[ "\${COMP_WORDS[2]}" != */* ]] && COMPREPLY=( $(compgen -W "$(__kedge_names "\${COMP_WORDS[2]}")" -- "$cur") ) ;;
    rollout) COMPREPLY=( $(compgen -W "$(__kedge_names deployments | sed 's|^|deployment/|')" -- "$cur") ) ;;
  esac
}
complete -F _kedge kedge
`;
}

/** zsh runs the bash script through bashcompinit, as many CLIs do. */
export function zshCompletion(commands: CompletionCommand[]): string {
  return `#compdef kedge
# kedge zsh completion. Load it with: source <(kedge completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(commands).replace(/^# kedge bash completion.*\n/, '')}`;
}

export function completionFlags(cmd: Pick<Command, 'flags'>): string[] {
  return [...cmd.flags.flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]), '--help'];
}

export const completionCommand: Command = {
  name: 'completion',
  usage: 'kedge completion bash|zsh',
  description: 'Print a shell completion script: commands, flags, resource types and object names.',
  flags: [],
  examples: ['source <(kedge completion bash)', 'kedge completion bash > /etc/bash_completion.d/kedge', 'source <(kedge completion zsh)'],
  async run(args, io) {
    const shell = args.positionals[0];
    if (shell !== 'bash' && shell !== 'zsh') throw new KedgeError('BadRequest', `completion needs a shell: bash or zsh${shell ? `, not "${shell}"` : ''}`);
    const { commands } = await import('../../dispatch.js');
    const loaded = await Promise.all(commands.map(async (c) => ({ name: c.name, flags: completionFlags(await c.load()) })));
    io.out(shell === 'bash' ? bashCompletion(loaded) : zshCompletion(loaded));
  },
};
