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
# countdown. The file is parsed line by line and never sourced or eval'd; numbers are checked
# to be digits before any arithmetic (bash arithmetic would evaluate `a[$(cmd)]`), control
# characters are replaced by `?`, and the values only ever reach PS1 through a parameter
# expansion, which bash does not expand again. When the state is missing or stale the hook
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
__credguard_render() {
  local now key profile ctx dir state line v f tag found=0 stale=1 restore='' lines
  local s_context='' s_label='' s_account='' s_region='' s_status='' s_expires=0 s_refreshable='' s_stale_after=''
  local label account='' region tail='' level head head_c='' head_z='' tail_c tail_z i pat out

  if [[ -n ${EPOCHSECONDS-} ]]; then now=$EPOCHSECONDS; else printf -v now '%(%s)T' -1; fi

  # Context name = src/core/state.ts promptContextName.
  # Exported variables only: [[ -v X && ${X@a} == *x* ]] (inline: a function call costs more).
  key='' profile=''
  [[ -v AWS_ACCESS_KEY_ID && ${AWS_ACCESS_KEY_ID@a} == *x* ]] && key=$AWS_ACCESS_KEY_ID
  if [[ -n $key ]]; then
    ctx=env-$key
  else
    [[ -v AWS_PROFILE && ${AWS_PROFILE@a} == *x* ]] && profile=$AWS_PROFILE
    [[ -z $profile && -v AWS_DEFAULT_PROFILE && ${AWS_DEFAULT_PROFILE@a} == *x* ]] && profile=$AWS_DEFAULT_PROFILE
    profile=${profile:-default}
    ctx=profile-$profile
  fi
  [[ $ctx == *[^A-Za-z0-9._-]* ]] && ctx=${ctx//[^A-Za-z0-9._-]/_}

  # Cache dir = src/core/cache.ts cacheDir.
  dir=''
  [[ -v CREDGUARD_CACHE_DIR && ${CREDGUARD_CACHE_DIR@a} == *x* ]] && dir=$CREDGUARD_CACHE_DIR
  if [[ -z $dir ]]; then
    if [[ -v XDG_CACHE_HOME && ${XDG_CACHE_HOME@a} == *x* && -n $XDG_CACHE_HOME ]]; then
      dir=$XDG_CACHE_HOME/credguard
    else
      dir=$HOME/.cache/credguard
    fi
  fi
  state=$dir/prompt/$ctx.state

  # The fast line (first line, see src/core/state.ts): one `read` splits it on the unit
  # separator 0x1f. Used when well-formed (tag `fast=1`, 10 fields, last one `end`); otherwise
  # read at most 64 key=value lines: the last assignment of a key wins. Numbers must be 1-15
  # digits. (In an `if` condition, `read` failing at a missing final newline cannot trip errexit.)
  if [[ -f $state && -r $state ]]; then
    if IFS=$'\x1f' read -r line s_context s_label s_account s_region s_status v s_refreshable f tag < "$state"
      [[ $line == fast=1 && $tag == end ]]; then
      [[ -n $v && $v != *[!0-9]* && ${#v} -le 15 ]] && s_expires=$(( 10#$v ))
      [[ -n $f && $f != *[!0-9]* && ${#f} -le 15 ]] && s_stale_after=$(( 10#$f ))
    else
      s_context='' s_label='' s_account='' s_region='' s_status='' s_refreshable=''
      # mapfile reads the lines in one builtin call (a `read` per line costs twice as much)
      mapfile -t -n 64 lines < "$state"
      for line in "${lines[@]}"; do
        [[ $line == *=* && $line != '='* ]] || continue
        v=${line#*=}
        case ${line%%=*} in
          context) s_context=$v ;;
          label) s_label=$v ;;
          account) s_account=$v ;;
          region) s_region=$v ;;
          status) s_status=$v ;;
          expires) [[ -n $v && $v != *[!0-9]* && ${#v} -le 15 ]] && s_expires=$(( 10#$v )) ;;
          refreshable) s_refreshable=$v ;;
          stale_after) [[ -n $v && $v != *[!0-9]* && ${#v} -le 15 ]] && s_stale_after=$(( 10#$v )) ;;
        esac
      done
    fi
    [[ $s_context == "$ctx" ]] && found=1
  fi

  # Stale: missing, past stale_after, or an AWS file changed after the state was written.
  if (( found )) && [[ -n $s_stale_after ]] && (( now < s_stale_after )); then
    stale=0
    f=''; [[ -v AWS_CONFIG_FILE && ${AWS_CONFIG_FILE@a} == *x* ]] && f=$AWS_CONFIG_FILE
    f=${f:-$HOME/.aws/config}
    # shellcheck disable=SC2088 # a literal "~/" prefix, expanded like the AWS tools do
    [[ $f == '~/'* ]] && f=$HOME/${f#'~/'}
    [[ $f -nt $state ]] && stale=1
    f=''; [[ -v AWS_SHARED_CREDENTIALS_FILE && ${AWS_SHARED_CREDENTIALS_FILE@a} == *x* ]] && f=$AWS_SHARED_CREDENTIALS_FILE
    f=${f:-$HOME/.aws/credentials}
    # shellcheck disable=SC2088 # a literal "~/" prefix, expanded like the AWS tools do
    [[ $f == '~/'* ]] && f=$HOME/${f#'~/'}
    [[ $f -nt $state ]] && stale=1
    if (( ! stale )) && [[ -d $HOME/.aws/sso/cache ]]; then
      # A glob is a builtin. Without a match it stays literal (and -nt is false) — unless the
      # user set failglob ($BASHOPTS lists it), which we lift for the loop and put back.
      [[ $BASHOPTS == *failglob* ]] && { shopt -u failglob; restore=f; }
      for f in "$HOME"/.aws/sso/cache/*.json; do
        [[ $f -nt $state ]] && { stale=1; break; }
      done
      [[ $restore == f ]] && shopt -s failglob
    fi
  fi

  if (( stale )) && [[ $__credguard_refresh == 1 && -z ${CREDGUARD_PROMPT_NO_REFRESH-} ]]; then
    __credguard_launch "$ctx" "$now" "$dir"
  fi

  # What to show (= src/prompt/render.ts segmentModel).
  (( found )) && label=$s_label
  if [[ -z $label ]]; then
    if [[ -n $key ]]; then label='env keys'; else label=$profile; fi
  fi
  (( found )) && account=$s_account
  region=''
  [[ -v AWS_REGION && ${AWS_REGION@a} == *x* ]] && region=$AWS_REGION
  [[ -z $region && -v AWS_DEFAULT_REGION && ${AWS_DEFAULT_REGION@a} == *x* ]] && region=$AWS_DEFAULT_REGION
  [[ -z $region ]] && (( found )) && region=$s_region

  if (( ! found )); then
    tail='?' level=unknown
  else
    case $s_status in
      ok)
        level=normal
        if (( s_expires > 0 )); then
          i=$(( s_expires - now ))
          if (( i <= 0 )); then
            s_status=expired
          else
            if (( __credguard_show_countdown )); then
              if (( i < 60 )); then tail=${i}s
              elif (( i < 3600 )); then tail=$(( i / 60 ))m
              elif (( i < 172800 )); then printf -v tail '%dh%02dm' $(( i / 3600 )) $(( i / 60 % 60 ))
              else tail=$(( i / 86400 ))d
              fi
            fi
            if (( i <= __credguard_danger )); then level=danger
            elif (( i <= __credguard_warn )); then level=warn
            fi
          fi
        fi
        ;;
      invalid|error) tail="✗ $s_status" level=danger ;;
      none)
        if (( __credguard_hide_none )); then s_status=hide; else tail='✗ no credentials' level=danger; fi
        ;;
      expired) ;;
      *) tail='?' level=unknown ;;
    esac
    if [[ $s_status == expired ]]; then
      if [[ $s_refreshable == 1 ]]; then tail='sso⟳' level=warn
      elif (( __credguard_hide_expired )); then s_status=hide
      else tail=expired level=expired
      fi
    fi
    if [[ $s_status == hide ]]; then
      CREDGUARD_PROMPT='' CREDGUARD_PROMPT_TEXT='' CREDGUARD_PROMPT_LEVEL=hidden CREDGUARD_PROMPT_COLOR=''
      return 0
    fi
  fi
  (( stale )) && [[ $tail != *'?' ]] && tail+='?'

  if [[ $label$account$region == *[[:cntrl:]]* ]]; then
    label=${label//[[:cntrl:]]/?} account=${account//[[:cntrl:]]/?} region=${region//[[:cntrl:]]/?}
  fi
  head=$label
  [[ -n $__credguard_symbol ]] && head="$__credguard_symbol $head"
  [[ $__credguard_show_account == 1 && -n $account ]] && head+=" $account"
  [[ $__credguard_show_region == 1 && -n $region ]] && head+=" $region"

  case $level in
    normal) tail_c=$__credguard_sgr_normal tail_z=$__credguard_zc_normal ;;
    warn) tail_c=$__credguard_sgr_warn tail_z=$__credguard_zc_warn ;;
    danger) tail_c=$__credguard_sgr_danger tail_z=$__credguard_zc_danger ;;
    expired) tail_c=$__credguard_sgr_expired tail_z=$__credguard_zc_expired ;;
    *) tail_c=$__credguard_sgr_unknown tail_z=$__credguard_zc_unknown ;;
  esac
  # Class colours: the first glob (only * and ? active) matching the label or the account.
  for (( i = 0; i + 2 < ${#__credguard_classes[@]}; i += 3 )); do
    pat=${__credguard_classes[i]}
    # shellcheck disable=SC2053 # the right-hand side is a pattern on purpose
    if [[ $label == $pat || $account == $pat ]]; then
      head_c=${__credguard_classes[i+1]} head_z=${__credguard_classes[i+2]}
      break
    fi
  done
  [[ -z $head_c ]] && head_c=$tail_c head_z=$tail_z

  # shellcheck disable=SC2034 # LEVEL and COLOR are for the user's prompt and themes
  CREDGUARD_PROMPT_TEXT=$head${tail:+ $tail} CREDGUARD_PROMPT_LEVEL=$level
  [[ $level == normal ]] || head_z=$tail_z
  # shellcheck disable=SC2034
  CREDGUARD_PROMPT_COLOR=$head_z
  if [[ $__credguard_plain == 1 || ( -v NO_COLOR && ${NO_COLOR@a} == *x* && -n $NO_COLOR ) ]]; then
    CREDGUARD_PROMPT=$CREDGUARD_PROMPT_TEXT
    return 0
  fi
  out=$'\001\e['$head_c$'m\002'$head
  if [[ -n $tail ]]; then
    out+=' '
    [[ $tail_c != "$head_c" ]] && out+=$'\001\e['$tail_c$'m\002'
    out+=$tail
  fi
  CREDGUARD_PROMPT=$out$'\001\e[39m\002'
  return 0
}

# PROMPT_COMMAND hook: render, keep $? for whatever runs after it, and (opt-in) make sure
# PS1 shows the segment — re-added if a theme rewrote PS1.
__credguard_precmd() {
  local status=$?
  __credguard_render
  case ${__credguard_position-} in
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
  return "$status"
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
