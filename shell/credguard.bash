# shellcheck shell=bash
# credguard prompt segment for bash (>= 4.4).
#
#   eval "$(credguard init bash)"          # in ~/.bashrc, after your own PS1/PROMPT_COMMAND
#   PS1='${CREDGUARD_PROMPT:+$CREDGUARD_PROMPT }\w \$ '   # place it yourself, or:
#   CREDGUARD_PROMPT_POSITION=left         # (set before the init line) prepend it to PS1
#   CREDGUARD_PROMPT_POSITION=right        # draw it at the right edge of the first PS1 line
#
# Before each prompt a PROMPT_COMMAND hook sets
#   CREDGUARD_PROMPT        the segment with readline-safe colours (\001…\002 around escapes)
#   CREDGUARD_PROMPT_TEXT   the same without colour
#   CREDGUARD_PROMPT_LEVEL  normal | warn | danger | expired | unknown | hidden
#   CREDGUARD_PROMPT_COLOR  one colour for the whole segment (0-255 or "default"), for themes
# and `credguard_prompt` prints $CREDGUARD_PROMPT.
#
# The warm path runs no process: bash builtins read the state file that `credguard refresh`
# writes (<cache>/prompt/<context>.state, key=value lines), compare epochs and format the
# countdown. The file is parsed — its first line, the fast line, with one `read`; else line by
# line — and never sourced or eval'd; numbers are checked to be digits before any arithmetic
# (bash arithmetic would evaluate `a[$(cmd)]`), control characters are replaced by `?`, and
# the values only ever reach PS1 through a parameter expansion, which bash does not expand
# again. When the state is missing or stale the hook
# starts `credguard refresh --quiet` in the background, detached and silent, at most once per
# context every 30 seconds per shell, and renders what it has with a `?`.
#
# The rules mirror src/prompt/render.ts and src/prompt/state-file.ts; the test suite checks
# that this file and `credguard prompt --shell bash` print the same bytes.

# Defaults for a directly sourced file; `credguard init bash` replaces this block with the
# resolved `prompt` config and the absolute refresh command.
# >>> credguard config >>>
declare -g -a __credguard_cmd=(credguard)
declare -g __credguard_symbol='☁'
declare -g __credguard_warn=1800
declare -g __credguard_danger=600
declare -g __credguard_hide_none=1
declare -g __credguard_hide_expired=0
declare -g __credguard_show_account=1
declare -g __credguard_show_region=1
declare -g __credguard_show_countdown=1
declare -g __credguard_plain=0
declare -g __credguard_refresh=1
declare -g __credguard_sgr_normal=36
declare -g __credguard_zc_normal=6
declare -g __credguard_sgr_warn=33
declare -g __credguard_zc_warn=3
declare -g __credguard_sgr_danger=31
declare -g __credguard_zc_danger=1
declare -g __credguard_sgr_expired=31
declare -g __credguard_zc_expired=1
declare -g __credguard_sgr_unknown=39
declare -g __credguard_zc_unknown=default
declare -g -a __credguard_classes=()
# <<< credguard config <<<

# Per-context launch guard: epoch before which this shell starts no new refresh, and whether
# it already waited once on a lock held by someone else. Kept across re-sourcing.
declare -g -A __credguard_next
declare -g -A __credguard_waited
declare -g CREDGUARD_PROMPT='' CREDGUARD_PROMPT_TEXT='' CREDGUARD_PROMPT_LEVEL='' CREDGUARD_PROMPT_COLOR=''

# Start `credguard refresh --quiet` for context $1 at epoch $2 with cache dir $3, unless this
# shell did so less than 30 s ago, or a refresh holds the context's lock and we have not yet
# waited 30 s on it (a crashed holder's lock is broken by the next refresh after that).
__credguard_launch() {
  local ctx=$1 now=$2 dir=$3
  (( now < ${__credguard_next[$ctx]:-0} )) && return 0
  __credguard_next[$ctx]=$(( now + 30 ))
  if [[ -e $dir/locks/$ctx.lock && -z ${__credguard_waited[$ctx]-} ]]; then
    __credguard_waited[$ctx]=1
    return 0
  fi
  unset '__credguard_waited[$ctx]'
  # ( … & ): the subshell exits at once, so the refresh is not a job of this shell — no job
  # messages, no SIGHUP when the terminal closes, nothing for the prompt to wait on.
  ( "${__credguard_cmd[@]}" refresh --quiet </dev/null >/dev/null 2>&1 & )
  return 0
}

# Compute the segment into the CREDGUARD_PROMPT* variables. Builtins only.
# Speed: bash copies a function's whole body at every call, so this function holds only what
# a warm render runs (fresh state from the fast line, status ok); everything else lives in the
# __credguard_cold_* helpers below, which work on this function's locals (dynamic scope).
__credguard_render() {
  # (v and f: expires and stale_after once read; guess: the label when the state has none)
  local now guess ctx state tag ctx_s='' label='' account='' region='' status='' refreshable='' v=0 f=0 end
  local found=0 stale=1 tail='' level=normal head head_c

  now=${EPOCHSECONDS-}
  [[ -n $now ]] || printf -v now '%(%s)T' -1

  # Context name = src/core/state.ts promptContextName.
  # Exported variables only: [[ -v X && ${X@a} == *x* ]] (inline: a function call costs more).
  if [[ -v AWS_ACCESS_KEY_ID && ${AWS_ACCESS_KEY_ID@a} == *x* && -n $AWS_ACCESS_KEY_ID ]]; then
    guess='env keys' ctx=env-$AWS_ACCESS_KEY_ID
  elif [[ -v AWS_PROFILE && ${AWS_PROFILE@a} == *x* && -n $AWS_PROFILE ]]; then
    guess=$AWS_PROFILE ctx=profile-$AWS_PROFILE
  elif [[ -v AWS_DEFAULT_PROFILE && ${AWS_DEFAULT_PROFILE@a} == *x* && -n $AWS_DEFAULT_PROFILE ]]; then
    guess=$AWS_DEFAULT_PROFILE ctx=profile-$AWS_DEFAULT_PROFILE
  else
    guess=default ctx=profile-default
  fi
  [[ $ctx == *[^A-Za-z0-9._-]* ]] && ctx=${ctx//[^A-Za-z0-9._-]/_}

  # State file = <cache dir>/prompt/<context>.state, cache dir = src/core/cache.ts cacheDir.
  if [[ -v CREDGUARD_CACHE_DIR && ${CREDGUARD_CACHE_DIR@a} == *x* && -n $CREDGUARD_CACHE_DIR ]]; then state=$CREDGUARD_CACHE_DIR
  elif [[ -v XDG_CACHE_HOME && ${XDG_CACHE_HOME@a} == *x* && -n $XDG_CACHE_HOME ]]; then state=$XDG_CACHE_HOME/credguard
  else state=$HOME/.cache/credguard
  fi
  state+=/prompt/$ctx.state

  # The fast line (first line, see src/core/state.ts): one `read` splits it on the unit
  # separator 0x1f. It is used when well-formed: first field `fast=1`, 10 fields, the last one
  # `end` (`read` drops one trailing separator; the other readers tolerate it for that reason).
  # Otherwise the key=value lines are read. Numbers must be 1-15 digits. (`read` fails without
  # a final newline: in an `if` condition, errexit ignores that. Reading from fd 9 rather than
  # stdin spares bash saving and restoring stdin around the redirection; a user's fd 9 is
  # saved and restored the same way.)
  if [[ -f $state && -r $state ]]; then
    if IFS=$'\x1f' read -r -u 9 tag ctx_s label account region status v refreshable f end 9< "$state"
      [[ $tag == fast=1 && $end == end ]]; then
      if [[ -n $v && -n $f && $v$f != *[!0-9]* && ${#v} -le 15 && ${#f} -le 15 ]]; then
        v=$(( 10#$v )) f=$(( 10#$f ))
      else
        __credguard_cold_numbers
      fi
    else
      __credguard_cold_lines
    fi
    if [[ $ctx_s == "$ctx" ]]; then found=1; else label='' account='' region=''; fi
  fi

  # Stale: missing, past stale_after (0 when unknown), or an AWS file changed after the state
  # was written.
  if (( found && now < f )); then
    stale=0 tag=$HOME/.aws/config end=$HOME/.aws/credentials
    [[ -v AWS_CONFIG_FILE || -v AWS_SHARED_CREDENTIALS_FILE ]] && __credguard_cold_aws_files
    if [[ $tag -nt $state || $end -nt $state ]]; then stale=1
    elif [[ -d $HOME/.aws/sso/cache ]]; then __credguard_cold_sso || stale=1
    fi
  fi
  if (( stale )) && [[ $__credguard_refresh == 1 && -z ${CREDGUARD_PROMPT_NO_REFRESH-} ]]; then
    __credguard_launch "$ctx" "$now" "${state%/prompt/*}"
  fi

  # What to show (= src/prompt/render.ts segmentModel).
  [[ -z $label ]] && label=$guess
  if [[ -v AWS_REGION && ${AWS_REGION@a} == *x* && -n $AWS_REGION ]]; then region=$AWS_REGION
  elif [[ -v AWS_DEFAULT_REGION && ${AWS_DEFAULT_REGION@a} == *x* && -n $AWS_DEFAULT_REGION ]]; then region=$AWS_DEFAULT_REGION
  fi
  if [[ $found$status == 1ok ]] && (( v == 0 || v > now )); then
    if (( v )); then
      v=$(( v - now ))
      if (( ! __credguard_show_countdown )); then :
      elif (( v < 60 )); then tail=${v}s
      elif (( v < 3600 )); then tail=$(( v / 60 ))m
      elif (( v < 172800 )); then printf -v tail '%dh%02dm' $(( v / 3600 )) $(( v / 60 % 60 ))
      else tail=$(( v / 86400 ))d
      fi
      if (( v <= __credguard_danger )); then level=danger
      elif (( v <= __credguard_warn )); then level=warn
      fi
    fi
  else
    __credguard_cold_status || return 0
  fi
  (( stale )) && [[ $tail != *'?' ]] && tail+='?'

  [[ $label$account$region == *[[:cntrl:]]* ]] && __credguard_cold_scrub
  head=${__credguard_symbol:+$__credguard_symbol }$label
  [[ $__credguard_show_account == 1 && -n $account ]] && head+=" $account"
  [[ $__credguard_show_region == 1 && -n $region ]] && head+=" $region"

  # Colours: the level's (config variables __credguard_sgr_<level>, __credguard_zc_<level>);
  # for the head, the first class whose glob matches the label or the account.
  # CREDGUARD_PROMPT_COLOR: the class colour while the level is normal, else the level's.
  # (the level's colours: ${!tag} for the terminal, ${!end} for themes)
  tag=__credguard_sgr_$level end=__credguard_zc_$level
  if (( ${#__credguard_classes[@]} )); then
    __credguard_cold_classes
  else
    # shellcheck disable=SC2034 # LEVEL and COLOR are for the user's prompt and themes
    head_c=${!tag} CREDGUARD_PROMPT_COLOR=${!end}
  fi

  # shellcheck disable=SC2034
  CREDGUARD_PROMPT_TEXT=$head${tail:+ $tail} CREDGUARD_PROMPT_LEVEL=$level
  if [[ $__credguard_plain == 1 || ( -v NO_COLOR && ${NO_COLOR@a} == *x* && -n $NO_COLOR ) ]]; then
    CREDGUARD_PROMPT=$CREDGUARD_PROMPT_TEXT
  elif [[ ${!tag} == "$head_c" || -z $tail ]]; then
    CREDGUARD_PROMPT=$'\001\e['$head_c$'m\002'$head${tail:+ $tail}$'\001\e[39m\002'
  else
    CREDGUARD_PROMPT=$'\001\e['$head_c$'m\002'$head$' \001\e['${!tag}$'m\002'$tail$'\001\e[39m\002'
  fi
  return 0
}

# The rest of __credguard_render, for what a warm render does not need. These read and set
# __credguard_render's locals.

# No well-formed fast line: read at most 64 key=value lines; the last assignment of a key wins.
__credguard_cold_lines() {
  local line lines val
  ctx_s='' label='' account='' region='' status='' refreshable='' v=0 f=0
  # mapfile reads the lines in one builtin call (a `read` per line costs twice as much)
  mapfile -t -n 64 lines < "$state"
  for line in "${lines[@]}"; do
    [[ $line == *=* && $line != '='* ]] || continue
    val=${line#*=}
    case ${line%%=*} in
      context) ctx_s=$val ;;
      label) label=$val ;;
      account) account=$val ;;
      region) region=$val ;;
      status) status=$val ;;
      expires) [[ -n $val && $val != *[!0-9]* && ${#val} -le 15 ]] && v=$(( 10#$val )) ;;
      refreshable) refreshable=$val ;;
      stale_after) [[ -n $val && $val != *[!0-9]* && ${#val} -le 15 ]] && f=$(( 10#$val )) ;;
    esac
  done
}

# $AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE (exported, non-empty) into tag / end.
__credguard_cold_aws_files() {
  if [[ -v AWS_CONFIG_FILE && ${AWS_CONFIG_FILE@a} == *x* && -n $AWS_CONFIG_FILE ]]; then
    tag=$AWS_CONFIG_FILE
    # shellcheck disable=SC2088 # a literal "~/" prefix, expanded like the AWS tools do
    [[ $tag == '~/'* ]] && tag=$HOME/${tag#'~/'}
  fi
  if [[ -v AWS_SHARED_CREDENTIALS_FILE && ${AWS_SHARED_CREDENTIALS_FILE@a} == *x* && -n $AWS_SHARED_CREDENTIALS_FILE ]]; then
    end=$AWS_SHARED_CREDENTIALS_FILE
    # shellcheck disable=SC2088
    [[ $end == '~/'* ]] && end=$HOME/${end#'~/'}
  fi
  return 0
}

# Fails when an SSO cache file (~/.aws/sso/cache/*.json) is newer than the state.
__credguard_cold_sso() {
  local f restore=''
  # A glob is a builtin. Without a match it stays literal (and -nt is false) — unless the user
  # set failglob ($BASHOPTS lists it), which we lift for the loop and put back.
  [[ $BASHOPTS == *failglob* ]] && { shopt -u failglob; restore=1; }
  for f in "$HOME"/.aws/sso/cache/*.json; do
    [[ $f -nt $state ]] && break
  done
  [[ -n $restore ]] && shopt -s failglob
  ! [[ $f -nt $state ]]
}

# tail and level when there is no usable state, or the status is not ok, or the credentials
# expired by the clock. Fails, after setting the hidden segment, when the segment hides.
__credguard_cold_status() {
  if (( ! found )); then
    tail='?' level=unknown
    return 0
  fi
  case $status in
    ok) status=expired ;;
    invalid|error) tail="✗ $status" level=danger ;;
    none)
      if (( __credguard_hide_none )); then status=hide; else tail='✗ no credentials' level=danger; fi
      ;;
    expired) ;;
    *) tail='?' level=unknown ;;
  esac
  if [[ $status == expired ]]; then
    if [[ $refreshable == 1 ]]; then tail='sso⟳' level=warn
    elif (( __credguard_hide_expired )); then status=hide
    else tail=expired level=expired
    fi
  fi
  if [[ $status == hide ]]; then
    # shellcheck disable=SC2034
    CREDGUARD_PROMPT='' CREDGUARD_PROMPT_TEXT='' CREDGUARD_PROMPT_LEVEL=hidden CREDGUARD_PROMPT_COLOR=''
    return 1
  fi
  return 0
}

# Control characters (never written by credguard, but a state file may be hand-made) become `?`.
__credguard_cold_scrub() {
  label=${label//[[:cntrl:]]/?} account=${account//[[:cntrl:]]/?} region=${region//[[:cntrl:]]/?}
}

# Head colour (head_c) and CREDGUARD_PROMPT_COLOR: the first class (glob with only * and ?
# active) matching the label or the account, else the level's colour (${!tag}, ${!end}).
__credguard_cold_classes() {
  local i pat head_z=${!end}
  head_c=${!tag}
  for (( i = 0; i + 2 < ${#__credguard_classes[@]}; i += 3 )); do
    pat=${__credguard_classes[i]}
    # shellcheck disable=SC2053 # the right-hand side is a pattern on purpose
    if [[ $label == $pat || $account == $pat ]]; then
      head_c=${__credguard_classes[i+1]} head_z=${__credguard_classes[i+2]}
      break
    fi
  done
  [[ $level == normal ]] || head_z=${!end}
  # shellcheck disable=SC2034
  CREDGUARD_PROMPT_COLOR=$head_z
}

# Expires (v) and stale_after (f) from the fast line when either is not 1-15 digits: 0.
__credguard_cold_numbers() {
  # shellcheck disable=SC2015 # the arithmetic assignment cannot fail
  [[ -n $v && $v != *[!0-9]* && ${#v} -le 15 ]] && v=$(( 10#$v )) || v=0
  # shellcheck disable=SC2015
  [[ -n $f && $f != *[!0-9]* && ${#f} -le 15 ]] && f=$(( 10#$f )) || f=0
}

# PROMPT_COMMAND hook: render, keep $? for whatever runs after it, and (opt-in) make sure
# PS1 shows the segment — re-added if a theme rewrote PS1.
__credguard_precmd() {
  local status=$?
  __credguard_render
  [[ -n ${__credguard_position-} ]] && __credguard_place
  return "$status"
}

# CREDGUARD_PROMPT_POSITION=left|right: put the segment in PS1.
__credguard_place() {
  case $__credguard_position in
    left)
      # shellcheck disable=SC2016 # PS1 gets the reference, expanded at each prompt
      [[ $PS1 == *'${CREDGUARD_PROMPT'* ]] || PS1='${CREDGUARD_PROMPT:+$CREDGUARD_PROMPT }'$PS1
      ;;
    right)
      # Save the cursor, jump to the right edge, back up over the segment, draw it, restore:
      # all inside \001…\002, so readline counts it as zero width.
      if [[ -n $CREDGUARD_PROMPT_TEXT ]]; then
        __credguard_rprompt=$'\001\e7\e['"${COLUMNS:-80}"$'C\e['"${#CREDGUARD_PROMPT_TEXT}"'D'
        if [[ $__credguard_plain == 1 || $CREDGUARD_PROMPT == "$CREDGUARD_PROMPT_TEXT" ]]; then
          __credguard_rprompt+=$CREDGUARD_PROMPT_TEXT
        else
          __credguard_rprompt+=${CREDGUARD_PROMPT//[$'\001\002']/}
        fi
        __credguard_rprompt+=$'\e8\002'
      else
        __credguard_rprompt=''
      fi
      # shellcheck disable=SC2016
      [[ $PS1 == *'${__credguard_rprompt'* ]] || PS1='${__credguard_rprompt}'$PS1
      ;;
  esac
}

# Print the segment computed for this prompt (the variable is the zero-process way).
credguard_prompt() {
  printf '%s' "$CREDGUARD_PROMPT"
}

# Install the hook once. bash-preexec users: its precmd_functions; otherwise first in
# PROMPT_COMMAND (string, or array on bash >= 5.1), so that it sees the user's $? and hands
# it on unchanged. Sourcing this file again adds nothing.
__credguard_install() {
  local i
  __credguard_position=${CREDGUARD_PROMPT_POSITION-}
  if declare -F __bp_precmd_invoke_cmd >/dev/null 2>&1 && [[ -v precmd_functions && ${precmd_functions@a} == *a* ]]; then
    for i in "${precmd_functions[@]}"; do [[ $i == __credguard_precmd ]] && return 0; done
    precmd_functions+=(__credguard_precmd)
    return 0
  fi
  if [[ -v PROMPT_COMMAND && ${PROMPT_COMMAND@a} == *a* ]]; then
    for i in "${PROMPT_COMMAND[@]}"; do [[ $i == *__credguard_precmd* ]] && return 0; done
    PROMPT_COMMAND=(__credguard_precmd "${PROMPT_COMMAND[@]}")
  else
    [[ ${PROMPT_COMMAND-} == *__credguard_precmd* ]] && return 0
    # shellcheck disable=SC2128,SC2178 # the string form of PROMPT_COMMAND
    PROMPT_COMMAND=__credguard_precmd${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
  fi
}
__credguard_install
unset -f __credguard_install
