# shellcheck shell=bash
# credguard direnv library: `use credguard` checks the AWS environment when you enter a
# directory — stale or shadowing AWS_* variables, expired sessions, the wrong profile,
# account or region — before Terraform meets InvalidClientTokenId.
#
# Install:  credguard init direnv > ~/.config/direnv/lib/credguard.sh
#
# The credguard command this library runs: $CREDGUARD_BIN if set, else `credguard` on PATH.
# `credguard init direnv` may replace the default on the next line with an absolute path.
: "${CREDGUARD_BIN:=credguard}" # credguard:bin

# Usage: use credguard [--profile <P>] [--account <123456789012>] [--region <R>] [--strict] [--fix] [--block]
#
# Checks the AWS variables of the environment against what this directory wants and prints
# what is wrong, with the command that fixes it, on stderr (log_status / log_error). Silent
# when all is well. Put it after the .envrc lines that export AWS_PROFILE / AWS_REGION.
#
# - --profile P   this directory wants profile P (env keys or another AWS_PROFILE are findings)
# - --account ID  the credentials must belong to account ID (checked offline)
# - --region R    Terraform must use region R
# - --fix         unset the shadowing/stale variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
#                 AWS_SESSION_TOKEN, …) for this directory only; direnv restores them on leaving
# - --strict      report warnings as errors
# - --block       (or CREDGUARD_DIRENV_BLOCK=1) when errors remain, refuse to load this .envrc
#
# It never makes direnv drop the environment (also under strict_env) unless --block is given.
#
# Example (.envrc):
#
#    export AWS_PROFILE=prod
#    use credguard --profile prod --account 123456789012 --fix
#
use_credguard() {
  local _cg_bin=${CREDGUARD_BIN:-credguard}
  local _cg_block=0 _cg_errors=0 _cg_rc=0 _cg_out='' _cg_line='' _cg_kind='' _cg_text='' _cg_file=''
  local -a _cg_args=()

  # Edits of the AWS files re-run the check.
  for _cg_file in "${HOME:-}/.aws/config" "${HOME:-}/.aws/credentials" "${AWS_CONFIG_FILE:-}" "${AWS_SHARED_CREDENTIALS_FILE:-}"; do
    if [[ -n $_cg_file && $_cg_file != /.aws/* ]]; then
      watch_file "${_cg_file/#\~/${HOME:-}}" || true
    fi
  done

  while (($# > 0)); do
    case $1 in
      --block) _cg_block=1 ;;
      --profile | --account | --region)
        if (($# < 2)); then
          log_error "use credguard: $1 needs a value"
          return 0
        fi
        _cg_args+=("$1" "$2")
        shift
        ;;
      *) _cg_args+=("$1") ;;
    esac
    shift
  done
  if [[ ${CREDGUARD_DIRENV_BLOCK:-0} == 1 ]]; then
    _cg_block=1
  fi

  if ! command -v "$_cg_bin" >/dev/null 2>&1; then
    log_error "use credguard: '$_cg_bin' not found; install credguard or set CREDGUARD_BIN"
    return 0
  fi

  # credguard's own errors (usage, unreadable config) reach stderr unchanged; stdout carries
  # the line protocol of `env-check --shell bash`, which is read, never eval'ed.
  _cg_out=$("$_cg_bin" env-check --shell bash ${_cg_args[@]+"${_cg_args[@]}"}) || _cg_rc=$?
  if ((_cg_rc > 1)); then
    log_error "use credguard: the check failed (exit $_cg_rc); the environment was not checked"
    return 0
  fi

  while IFS= read -r _cg_line; do
    _cg_kind=${_cg_line%% *}
    _cg_text=${_cg_line#* }
    case $_cg_kind in
      unset)
        # Only these names, whatever the command printed.
        case $_cg_text in
          AWS_ACCESS_KEY_ID | AWS_SECRET_ACCESS_KEY | AWS_SESSION_TOKEN | AWS_SECURITY_TOKEN | \
            AWS_CREDENTIAL_EXPIRATION | AWS_SESSION_EXPIRATION | AWSUME_EXPIRATION | AWS_DEFAULT_PROFILE)
            unset "$_cg_text"
            ;;
          *) log_error "use credguard: refusing to unset '${_cg_text//[^A-Za-z0-9_]/?}'" ;;
        esac
        ;;
      error)
        _cg_errors=1
        log_error "$_cg_text"
        ;;
      warn | status) log_status "$_cg_text" ;;
      *) ;;
    esac
  done <<<"$_cg_out"

  if ((_cg_block == 1 && _cg_errors == 1)); then
    log_error "use credguard: --block: not loading this .envrc until the errors above are fixed"
    exit 1
  fi
  return 0
}
