# credguard prompt segment for zsh (>= 5.1).
#
#   eval "$(credguard init zsh)"           # in ~/.zshrc, after your theme
#   setopt prompt_subst; PROMPT='${CREDGUARD_PROMPT:+$CREDGUARD_PROMPT }%~ %# '   # place it yourself, or:
#   CREDGUARD_PROMPT_POSITION=right        # (before the init line) show it in RPROMPT
#   CREDGUARD_PROMPT_POSITION=left         # prepend it to PROMPT
# (a position turns on prompt_subst: the prompt references ${CREDGUARD_PROMPT}, it never
# contains its text, so nothing in it is expanded twice).
#
# A precmd hook (add-zsh-hook: __credguard_render) sets before each prompt
#   CREDGUARD_PROMPT        the segment, colours wrapped in %{…%}, `%` doubled
#   CREDGUARD_PROMPT_TEXT   the same without colour and without `%` escaping
#   CREDGUARD_PROMPT_LEVEL  normal | warn | danger | expired | unknown | hidden
#   CREDGUARD_PROMPT_COLOR  one colour for the whole segment (0-255 or "default"), for
#                           `p10k segment -f` (see the README's powerlevel10k recipe)
# and `credguard_prompt` prints $CREDGUARD_PROMPT.
#
# The warm path runs no process: zsh builtins (zsh/datetime's $EPOCHSECONDS, zsh/system's
# `sysread`, `[[ -nt ]]`) read the state file `credguard refresh` writes, compare epochs and
# format the countdown. The file is parsed (its first line, the fast line, split in one
# expansion; else line by line), never sourced or eval'd; numbers are checked to be digits
# before any arithmetic; control characters become `?`; `%` is doubled so no value can inject
# prompt escapes. When the state is missing or stale the hook starts `credguard refresh --quiet` with
# `&!` (detached, no job message), at most once per context every 30 seconds per shell.
#
# The rules mirror src/prompt/render.ts and src/prompt/state-file.ts; the test suite checks
# that this file and `credguard prompt --shell zsh` print the same bytes.

zmodload zsh/datetime 2>/dev/null
zmodload zsh/mapfile 2>/dev/null
# sysread takes the state file in one read(2); the `read` builtin makes a syscall per byte.
zmodload zsh/system 2>/dev/null

# Defaults for a directly sourced file; `credguard init zsh` replaces this block with the
# resolved `prompt` config and the absolute refresh command.
# >>> credguard config >>>
typeset -g -a __credguard_cmd=(credguard)
typeset -g __credguard_symbol='☁'
typeset -g __credguard_warn=1800
typeset -g __credguard_danger=600
typeset -g __credguard_hide_none=1
typeset -g __credguard_hide_expired=0
typeset -g __credguard_show_account=1
typeset -g __credguard_show_region=1
typeset -g __credguard_show_countdown=1
typeset -g __credguard_plain=0
typeset -g __credguard_refresh=1
typeset -g __credguard_sgr_normal=36
typeset -g __credguard_zc_normal=6
typeset -g __credguard_sgr_warn=33
typeset -g __credguard_zc_warn=3
typeset -g __credguard_sgr_danger=31
typeset -g __credguard_zc_danger=1
typeset -g __credguard_sgr_expired=31
typeset -g __credguard_zc_expired=1
typeset -g __credguard_sgr_unknown=39
typeset -g __credguard_zc_unknown=default
typeset -g -a __credguard_classes=()
# <<< credguard config <<<

# Per-context launch guard (see __credguard_launch); kept across re-sourcing.
typeset -g -A __credguard_next __credguard_waited
typeset -g CREDGUARD_PROMPT='' CREDGUARD_PROMPT_TEXT='' CREDGUARD_PROMPT_LEVEL='' CREDGUARD_PROMPT_COLOR=''
typeset -g __credguard_position=${CREDGUARD_PROMPT_POSITION-}

# Start `credguard refresh --quiet` for context $1 at epoch $2, cache dir $3 — unless this
# shell did so less than 30 s ago, or a refresh holds the context's lock and we have not yet
# waited 30 s on it (the next refresh after that breaks a crashed holder's lock).
__credguard_launch() {
  local ctx=$1 now=$2 dir=$3
  (( now < ${__credguard_next[$ctx]:-0} )) && return 0
  __credguard_next[$ctx]=$(( now + 30 ))
  if [[ -e $dir/locks/$ctx.lock && -z ${__credguard_waited[$ctx]-} ]]; then
    __credguard_waited[$ctx]=1
    return 0
  fi
  unset "__credguard_waited[$ctx]"
  # &! : background and disown at once — no job table entry, no "[1] 1234", no "done".
  "${__credguard_cmd[@]}" refresh --quiet </dev/null >/dev/null 2>&1 &!
  return 0
}

# Compute the segment into the CREDGUARD_PROMPT* variables. Builtins only.
__credguard_render() {
  local bang=0
  [[ -o promptbang ]] && bang=1
  emulate -L zsh
  local now key='' profile='' ctx dir state line v f n=0 found=0 stale=1 i s_expires=0 s_context='' s_label='' \
    s_account='' s_region='' s_status='' s_refreshable='' s_stale_after='' label='' account='' region='' tail='' \
    level head head_c='' head_z='' tail_c tail_z pat out

  now=$EPOCHSECONDS

  # Context name = src/core/state.ts promptContextName.
  # Exported variables only: ${(t)X} contains "export" (inline: a function call costs more).
  [[ ${(t)AWS_ACCESS_KEY_ID} == *export* ]] && key=$AWS_ACCESS_KEY_ID
  if [[ -n $key ]]; then
    ctx=env-$key
  else
    [[ ${(t)AWS_PROFILE} == *export* ]] && profile=$AWS_PROFILE
    [[ -z $profile && ${(t)AWS_DEFAULT_PROFILE} == *export* ]] && profile=$AWS_DEFAULT_PROFILE
    profile=${profile:-default}
    ctx=profile-$profile
  fi
  [[ $ctx == *[^A-Za-z0-9._-]* ]] && ctx=${ctx//[^A-Za-z0-9._-]/_}

  # Cache dir = src/core/cache.ts cacheDir.
  dir=''
  [[ ${(t)CREDGUARD_CACHE_DIR} == *export* ]] && dir=$CREDGUARD_CACHE_DIR
  if [[ -z $dir ]]; then
    if [[ ${(t)XDG_CACHE_HOME} == *export* && -n $XDG_CACHE_HOME ]]; then dir=$XDG_CACHE_HOME/credguard; else dir=$HOME/.cache/credguard; fi
  fi
  state=$dir/prompt/$ctx.state

  # The fast line (first line, see src/core/state.ts), split on the unit separator 0x1f. It is
  # used when well-formed: 10 fields, the first `fast=1`, the last `end` (a trailing separator
  # is tolerated: bash's `read` drops it). Otherwise read at most 64 key=value lines: the last
  # assignment of a key wins. Numbers must be 1-15 digits.
  if [[ -f $state && -r $state ]]; then
    # One sysread (up to 8 KiB); when it may have cut the file (>= 2048 characters, which could
    # be 8 KiB), or zsh/system is missing: zsh/mapfile, else `read`.
    v=''
    (( $+builtins[sysread] )) && sysread v < $state
    if (( ${#v} >= 2048 || ! $+builtins[sysread] )); then
      if (( ${+mapfile} )); then
        v=${mapfile[$state]}
      else
        v=''
        while (( n++ < 64 )) && { IFS= read -r line || [[ -n $line ]] }; do v+=$line$'\n'; done < $state
      fi
    fi
    local -a fields=("${(@ps:\x1f:)${v%%$'\n'*}}")
    if [[ $fields[1] == fast=1 && $fields[10] == end ]] && (( $#fields == 10 || $#fields == 11 && $#fields[11] == 0 )); then
      s_context=$fields[2] s_label=$fields[3] s_account=$fields[4] s_region=$fields[5] s_status=$fields[6] s_refreshable=$fields[8]
      v=$fields[7] f=$fields[9]
      [[ -n $v && $v != *[^0-9]* && ${#v} -le 15 ]] && s_expires=$(( 10#$v ))
      [[ -n $f && $f != *[^0-9]* && ${#f} -le 15 ]] && s_stale_after=$(( 10#$f ))
    else
      for line in "${(@)${(@f)v}[1,64]}"; do
        [[ $line == *=* && $line != '='* ]] || continue
        v=${line#*=}
        case ${line%%=*} in
          (context) s_context=$v ;;
          (label) s_label=$v ;;
          (account) s_account=$v ;;
          (region) s_region=$v ;;
          (status) s_status=$v ;;
          (expires) [[ -n $v && $v != *[^0-9]* && ${#v} -le 15 ]] && s_expires=$(( 10#$v )) ;;
          (refreshable) s_refreshable=$v ;;
          (stale_after) [[ -n $v && $v != *[^0-9]* && ${#v} -le 15 ]] && s_stale_after=$(( 10#$v )) ;;
        esac
      done
    fi
    [[ $s_context == $ctx ]] && found=1
  fi

  # Stale: missing, past stale_after, or an AWS file changed after the state was written.
  if (( found )) && [[ -n $s_stale_after ]] && (( now < s_stale_after )); then
    stale=0 f=$HOME/.aws/config v=$HOME/.aws/credentials
    # (a leading "~/" is expanded, like the AWS tools do)
    [[ ${(t)AWS_CONFIG_FILE} == *export* && -n $AWS_CONFIG_FILE ]] && f=${AWS_CONFIG_FILE/#\~\//$HOME/}
    [[ ${(t)AWS_SHARED_CREDENTIALS_FILE} == *export* && -n $AWS_SHARED_CREDENTIALS_FILE ]] && v=${AWS_SHARED_CREDENTIALS_FILE/#\~\//$HOME/}
    if [[ $f -nt $state || $v -nt $state ]]; then
      stale=1
    elif [[ -d $HOME/.aws/sso/cache ]]; then
      for f in $HOME/.aws/sso/cache/*.json(N); do
        [[ $f -nt $state ]] && { stale=1; break }
      done
    fi
  fi

  if (( stale )) && [[ $__credguard_refresh == 1 && -z ${CREDGUARD_PROMPT_NO_REFRESH-} ]]; then
    __credguard_launch $ctx $now $dir
  fi

  # What to show (= src/prompt/render.ts segmentModel).
  (( found )) && label=$s_label
  if [[ -z $label ]]; then
    if [[ -n $key ]]; then label='env keys'; else label=$profile; fi
  fi
  (( found )) && account=$s_account
  [[ ${(t)AWS_REGION} == *export* ]] && region=$AWS_REGION
  [[ -z $region && ${(t)AWS_DEFAULT_REGION} == *export* ]] && region=$AWS_DEFAULT_REGION
  [[ -z $region ]] && (( found )) && region=$s_region

  if (( ! found )); then
    tail='?' level=unknown
  else
    case $s_status in
      (ok)
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
      (invalid|error) tail="✗ $s_status" level=danger ;;
      (none)
        if (( __credguard_hide_none )); then s_status=hide; else tail='✗ no credentials' level=danger; fi
        ;;
      (expired) ;;
      (*) tail='?' level=unknown ;;
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
    (normal) tail_c=$__credguard_sgr_normal tail_z=$__credguard_zc_normal ;;
    (warn) tail_c=$__credguard_sgr_warn tail_z=$__credguard_zc_warn ;;
    (danger) tail_c=$__credguard_sgr_danger tail_z=$__credguard_zc_danger ;;
    (expired) tail_c=$__credguard_sgr_expired tail_z=$__credguard_zc_expired ;;
    (*) tail_c=$__credguard_sgr_unknown tail_z=$__credguard_zc_unknown ;;
  esac
  # Class colours: the first glob (only * and ? active) matching the label or the account.
  for (( i = 1; i + 2 <= ${#__credguard_classes}; i += 3 )); do
    pat=${__credguard_classes[i]}
    if [[ $label == ${~pat} || $account == ${~pat} ]]; then
      head_c=${__credguard_classes[i+1]} head_z=${__credguard_classes[i+2]}
      break
    fi
  done
  [[ -z $head_c ]] && head_c=$tail_c head_z=$tail_z

  CREDGUARD_PROMPT_TEXT=$head${tail:+ $tail} CREDGUARD_PROMPT_LEVEL=$level
  [[ $level == normal ]] || head_z=$tail_z
  CREDGUARD_PROMPT_COLOR=$head_z
  # Prompt escaping: `%` → `%%` (and `!` → `!!` under PROMPT_BANG).
  head=${head//\%/%%} tail=${tail//\%/%%}
  if (( bang )); then head=${head//\!/!!} tail=${tail//\!/!!}; fi
  if [[ $__credguard_plain == 1 || ( ${(t)NO_COLOR} == *export* && -n $NO_COLOR ) ]]; then
    CREDGUARD_PROMPT=$head${tail:+ $tail}
    return 0
  fi
  out=$'%{\e['$head_c$'m%}'$head
  if [[ -n $tail ]]; then
    out+=' '
    [[ $tail_c != $head_c ]] && out+=$'%{\e['$tail_c$'m%}'
    out+=$tail
  fi
  CREDGUARD_PROMPT=$out$'%{\e[39m%}'
  return 0
}

# Opt-in placement (a precmd hook when a position is set): make sure PROMPT/RPROMPT reference
# the segment — re-added if a theme rewrote them.
__credguard_place() {
  case $__credguard_position in
    (left) [[ $PROMPT == *'${CREDGUARD_PROMPT'* ]] || PROMPT='${CREDGUARD_PROMPT:+$CREDGUARD_PROMPT }'$PROMPT ;;
    (right) [[ $RPROMPT == *'${CREDGUARD_PROMPT'* ]] || RPROMPT='${CREDGUARD_PROMPT}'${RPROMPT:+ $RPROMPT} ;;
  esac
  return 0
}

# Render and place in one call, returning the status it was called with (for wrappers that
# call it; the installed hooks are __credguard_render and __credguard_place — zsh restores $?
# after precmd functions itself, and each function call costs ~10 µs).
__credguard_precmd() {
  local ret=$?
  __credguard_render
  __credguard_place
  return ret
}

# Print the segment computed for this prompt (the variable is the zero-process way).
credguard_prompt() {
  print -rn -- $CREDGUARD_PROMPT
}

[[ $__credguard_position == (left|right) ]] && setopt prompt_subst
# add-zsh-hook adds a function once, however often this file is sourced (and drops the single
# __credguard_precmd hook an earlier version installed).
autoload -Uz add-zsh-hook
add-zsh-hook -d precmd __credguard_precmd
add-zsh-hook precmd __credguard_render
[[ $__credguard_position == (left|right) ]] && add-zsh-hook precmd __credguard_place
