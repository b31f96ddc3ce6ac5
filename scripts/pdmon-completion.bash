# bash completion for pdmon: commands, options and their values, entities,
# steps of the cycle, and from the store and pack the indicator ids,
# organizations, municipalities, years and cycles. The words come from
# 'pdmon __complete' (engine/cli/completion.c), so they follow the program.
# Installed as share/bash-completion/completions/pdmon; by hand:
#   source scripts/pdmon-completion.bash

# Puts the candidates for the word being typed into COMPREPLY.
_pdmon() {
  local pdmon=${COMP_WORDS[0]}
  # The line up to the cursor, split on blanks: bash would split --period=2023
  # at '=', and the words must be counted as pdmon counts them.
  local line=${COMP_LINE:0:COMP_POINT}
  local -a words
  read -r -a words <<<"$line"
  [[ $line == *[[:blank:]] || ${#words[@]} -eq 0 ]] && words+=("")
  local cur=${words[${#words[@]} - 1]}
  local -a globals=()
  local command="" i word value_of="" positional=0 options=""
  for ((i = 1; i < ${#words[@]} - 1; i++)); do
    word=${words[i]}
    if [[ -n $value_of ]]; then
      [[ $value_of == db || $value_of == pack ]] && globals+=("--$value_of" "$word")
      value_of=""
      continue
    fi
    case $word in
      --db=* | --pack=*) globals+=("$word") ;;
      --*=*) ;;
      --*)
        if [[ -z $command ]]; then
          [[ $word == --db || $word == --pack ]] && value_of=${word#--}
        elif [[ $'\n'$options$'\n' == *$'\n'$word=* ]]; then
          value_of=${word#--}
        fi
        ;;
      -?) [[ -n $command && $'\n'$options$'\n' == *$'\n'"$word"=* ]] && value_of=$word ;;
      *)
        if [[ -z $command ]]; then
          command=$word
          options=$("$pdmon" __complete options "$command" 2>/dev/null)
        else
          positional=$((positional + 1))
        fi
        ;;
    esac
  done
  local -a candidates=()
  local prefix=$cur
  if [[ -z $command ]]; then
    if [[ $value_of == db ]]; then
      candidates=("@files")
    elif [[ $value_of == pack ]]; then
      candidates=("@dirs")
    elif [[ $cur == -* ]]; then
      candidates=(--db --pack --help --version)
    else
      mapfile -t candidates < <("$pdmon" "${globals[@]}" __complete commands "$cur" 2>/dev/null)
    fi
  elif [[ -n $value_of ]]; then
    mapfile -t candidates < <("$pdmon" "${globals[@]}" __complete values "$command" "${value_of#--}" "$cur" 2>/dev/null)
  elif [[ $cur == --*=* ]]; then
    local name=${cur%%=*}
    prefix=${cur#*=}
    mapfile -t candidates < <("$pdmon" "${globals[@]}" __complete values "$command" "${name#--}" "$prefix" 2>/dev/null)
  elif [[ $cur == -* ]]; then
    local option
    while IFS= read -r option; do
      [[ -n $option && $option != -? && $option != -?=* ]] && candidates+=("${option%%=*}")
    done <<<"$options"
  else
    mapfile -t candidates < <("$pdmon" "${globals[@]}" __complete words "$command" "$positional" "$cur" 2>/dev/null)
  fi
  COMPREPLY=()
  local candidate
  for candidate in "${candidates[@]}"; do
    case $candidate in
      @files) mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$prefix") ;;
      @dirs) mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$prefix") ;;
      "$prefix"*) COMPREPLY+=("$candidate") ;;
    esac
  done
}

complete -o default -F _pdmon pdmon
