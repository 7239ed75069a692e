# bash completion for lablog. Installed as
# $(PREFIX)/share/bash-completion/completions/lablog; or source it from
# ~/.bashrc. The candidates come from `lablog __complete`, which reads the
# same option tables as --help and, for experiment names and tags, the log
# the command line would use.
_lablog() {
    local cur words
    cur=${COMP_WORDS[COMP_CWORD]}
    words=("${COMP_WORDS[@]:1:COMP_CWORD}")
    # bash splits "--exp=NAME" at '='; put the option back together.
    if [ "$COMP_CWORD" -ge 2 ] && [ "${COMP_WORDS[COMP_CWORD-1]}" = "=" ]; then
        words=("${COMP_WORDS[@]:1:COMP_CWORD-3}"
               "${COMP_WORDS[COMP_CWORD-2]}" "$cur")
    elif [ "$cur" = "=" ]; then
        words=("${COMP_WORDS[@]:1:COMP_CWORD-2}" "${COMP_WORDS[COMP_CWORD-1]}" "")
        cur=
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$(command lablog __complete -- "${words[@]}" 2>/dev/null)" -- "$cur"))
}
complete -o default -o bashdefault -F _lablog lablog
