// `safehalt completion bash|zsh`: print a shell completion script. The script asks the binary
// itself for candidates (`safehalt --get-yargs-completions WORDS...`, answered by yargs), so it
// never goes stale when options change.
import type { Command } from './command.ts';
import { EXIT } from '../exit-codes.ts';
import { writeStdout } from '../log/stdout.ts';

/** The hidden command under which yargs' own completion support is registered (main.ts). */
export const COMPLETION_KEY_COMMAND = '__complete';

const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

// yargs picks its answer format (plain words, or zsh's `word:description`) from $SHELL, so each
// script sets SHELL for the query: a bash user whose login shell is zsh still gets bash answers.
const BASH = `# bash completion for safehalt
# Install: safehalt completion bash > /etc/bash_completion.d/safehalt   (or source it from ~/.bashrc)
_safehalt_completions() {
  local cur_word="\${COMP_WORDS[COMP_CWORD]}" type_list
  local i
  # After \`--\` the words are the supervised command: complete files and commands as usual.
  for ((i = 1; i < COMP_CWORD; i++)); do
    [[ "\${COMP_WORDS[i]}" == "--" ]] && { COMPREPLY=(); return 0; }
  done
  mapfile -t type_list < <(SHELL=bash "\${COMP_WORDS[0]}" --get-yargs-completions "\${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null)
  mapfile -t COMPREPLY < <(compgen -W "\${type_list[*]}" -- "\${cur_word}")
  return 0
}
complete -o bashdefault -o default -F _safehalt_completions safehalt
`;

const ZSH = `#compdef safehalt
# zsh completion for safehalt
# Install: safehalt completion zsh > "\${fpath[1]}/_safehalt"   (or source it from ~/.zshrc)
_safehalt() {
  local reply
  local si=$IFS
  if (( \${words[(I)--]} && \${words[(I)--]} < CURRENT )); then
    _normal
    return
  fi
  IFS=$'\\n' reply=($(SHELL=zsh COMP_CWORD="$((CURRENT-1))" COMP_LINE="$BUFFER" COMP_POINT="$CURSOR" "\${words[1]}" --get-yargs-completions "\${words[@]:0:$CURRENT}" 2>/dev/null))
  IFS=$si
  if [[ \${#reply} -gt 0 ]]; then
    _describe 'values' reply
  else
    _default
  fi
}
if [[ "\${zsh_eval_context[-1]}" == "loadautofunc" ]]; then
  _safehalt "$@"
else
  compdef _safehalt safehalt
fi
`;

export const COMPLETION_SCRIPTS: Record<Shell, string> = { bash: BASH, zsh: ZSH };

export const completionCommand: Command = {
  command: 'completion <shell>',
  describe: 'print a bash or zsh completion script',
  builder: (y) =>
    y
      .positional('shell', { choices: SHELLS, describe: 'the shell to complete in' }),
  examples: [
    ['safehalt completion bash > /etc/bash_completion.d/safehalt', 'system-wide (the Debian package installs it already)'],
    ['echo \'source <(safehalt completion bash)\' >> ~/.bashrc', 'for one user, bash'],
    ['safehalt completion zsh > ~/.zfunc/_safehalt', 'zsh: a directory on $fpath'],
  ],
  run: async (a) => {
    writeStdout(COMPLETION_SCRIPTS[a.shell as Shell]);
    return EXIT.OK;
  },
};
