# credguard prompt segment for fish (>= 3.5: the `path` builtin gives the clock).
#
#   credguard init fish | source           # in ~/.config/fish/config.fish
#   then call `credguard_prompt` from your fish_prompt / fish_right_prompt, or:
#   set -g CREDGUARD_PROMPT_POSITION left  # (before the init line) prepend to fish_prompt
#   set -g CREDGUARD_PROMPT_POSITION right # prepend to fish_right_prompt
#
# A `fish_prompt` event handler sets before each prompt
#   CREDGUARD_PROMPT        the segment with colour escapes (the SGR codes set_color would print)
#   CREDGUARD_PROMPT_TEXT   the same without colour
#   CREDGUARD_PROMPT_LEVEL  normal | warn | danger | expired | unknown | hidden
#   CREDGUARD_PROMPT_COLOR  one colour for the whole segment (0-255 or "default")
# and `credguard_prompt` prints $CREDGUARD_PROMPT.
#
# The warm path runs no process: fish builtins only (`read`, `string`, `math`, `test`, `path`).
# fish has no builtin clock, but `path mtime --relative` is "now minus the file's mtime", so
# now = mtime + relative for any file; we use "/". The state file is parsed (its first line,
# the fast line, with one `read -d \x1f`; else line by line), never sourced or eval'd; numbers
# are checked to be digits; control characters become `?`. When the state is missing or stale
# the handler starts `credguard refresh --quiet` in the background and disowns it, at most once
# per context every 30 seconds per shell.
#
# The rules mirror src/prompt/render.ts and src/prompt/state-file.ts; the test suite checks
# that this file and `credguard prompt --shell fish` print the same bytes.

# Defaults for a directly sourced file; `credguard init fish` replaces this block with the
# resolved `prompt` config and the absolute refresh command.
# >>> credguard config >>>
set -g __credguard_cmd credguard
set -g __credguard_symbol '☁'
set -g __credguard_warn 1800
set -g __credguard_danger 600
set -g __credguard_hide_none 1
set -g __credguard_hide_expired 0
set -g __credguard_show_account 1
set -g __credguard_show_region 1
set -g __credguard_show_countdown 1
set -g __credguard_plain 0
set -g __credguard_refresh 1
set -g __credguard_sgr_normal 36
set -g __credguard_zc_normal 6
set -g __credguard_sgr_warn 33
set -g __credguard_zc_warn 3
set -g __credguard_sgr_danger 31
set -g __credguard_zc_danger 1
set -g __credguard_sgr_expired 31
set -g __credguard_zc_expired 1
set -g __credguard_sgr_unknown 39
set -g __credguard_zc_unknown default
set -g __credguard_classes
# <<< credguard config <<<

# Per-context launch guard: parallel lists context / epoch before which no new refresh starts
# / waited-once flag. Kept across re-sourcing.
set -q __credguard_guard_ctx; or set -g __credguard_guard_ctx
set -q __credguard_guard_next; or set -g __credguard_guard_next
set -q __credguard_guard_waited; or set -g __credguard_guard_waited
set -q CREDGUARD_PROMPT; or set -g CREDGUARD_PROMPT ''
set -g __credguard_position "$CREDGUARD_PROMPT_POSITION"

# Start `credguard refresh --quiet` for context $argv[1] at epoch $argv[2], cache dir $argv[3],
# unless this shell did so less than 30 s ago, or a refresh holds the context's lock and we
# have not yet waited 30 s on it (the next refresh after that breaks a crashed holder's lock).
function __credguard_launch
    set -l ctx $argv[1]
    set -l now $argv[2]
    set -l i (contains -i -- $ctx $__credguard_guard_ctx)
    if test -z "$i"
        set -a __credguard_guard_ctx $ctx
        set -a __credguard_guard_next 0
        set -a __credguard_guard_waited 0
        set i (count $__credguard_guard_ctx)
    end
    test $now -lt $__credguard_guard_next[$i]; and return 0
    set __credguard_guard_next[$i] (math $now + 30)
    if test -e $argv[3]/locks/$ctx.lock; and test $__credguard_guard_waited[$i] = 0
        set __credguard_guard_waited[$i] 1
        return 0
    end
    set __credguard_guard_waited[$i] 0
    command -q $__credguard_cmd[1]; or return 0
    # disown: no "Job 1 has ended" message, nothing for the shell to wait on.
    command $__credguard_cmd refresh --quiet </dev/null >/dev/null 2>&1 &
    disown $last_pid 2>/dev/null
    return 0
end

# Compute the segment into the CREDGUARD_PROMPT* variables. Builtins only.
function __credguard_render
    # Context name = src/core/state.ts promptContextName.
    # (exported variables only: `set -qx NAME; and set x "$NAME"` — a function returning the
    # value would cost a command substitution each)
    set -l key ''
    set -l profile ''
    set -l ctx
    set -qx AWS_ACCESS_KEY_ID; and set key "$AWS_ACCESS_KEY_ID"
    if test -n "$key"
        set ctx "env-$key"
    else
        set -qx AWS_PROFILE; and set profile "$AWS_PROFILE"
        test -z "$profile"; and set -qx AWS_DEFAULT_PROFILE; and set profile "$AWS_DEFAULT_PROFILE"
        test -z "$profile"; and set profile default
        set ctx "profile-$profile"
    end
    # (`string match -q` needs no command substitution: only replace when there is something to)
    string match -qr '[^A-Za-z0-9._-]' -- $ctx; and set ctx (string replace -ra '[^A-Za-z0-9._-]' _ -- $ctx)

    # Cache dir = src/core/cache.ts cacheDir.
    set -l dir ''
    set -qx CREDGUARD_CACHE_DIR; and set dir "$CREDGUARD_CACHE_DIR"
    if test -z "$dir"
        if set -qx XDG_CACHE_HOME; and test -n "$XDG_CACHE_HOME"
            set dir "$XDG_CACHE_HOME/credguard"
        else
            set dir $HOME/.cache/credguard
        end
    end
    set -l state $dir/prompt/$ctx.state

    # The fast line (first line, see src/core/state.ts): one `read -d \x1f` splits it on the
    # unit separator. Used when well-formed (tag `fast=1`, 10 fields, last one `end`, a trailing
    # separator tolerated as bash drops it); otherwise read at most 64 key=value lines: the last
    # assignment of a key wins. Numbers must be 1-15 digits (math reads 017 as 17, like the
    # other readers). One `read -z` takes the whole file, one `string match` picks the keys we
    # use: no per-line command substitutions.
    set -l s_context ''
    set -l s_label ''
    set -l s_account ''
    set -l s_region ''
    set -l s_status ''
    set -l s_expires 0
    set -l s_refreshable ''
    set -l s_stale_after ''
    set -l found 0
    set -l stale 1
    if test -f $state -a -r $state
        set -l tag
        set -l v
        set -l f
        set -l end
        read -d \x1f tag s_context s_label s_account s_region s_status v s_refreshable f end <$state
        if test "$tag" = fast=1; and contains -- "$end" end end\x1f
            string match -qr '^[0-9]{1,15}$' -- $v; and set s_expires $v
            string match -qr '^[0-9]{1,15}$' -- $f; and set s_stale_after $f
        else
            set s_context ''
            set s_label ''
            set s_account ''
            set s_region ''
            set s_status ''
            set s_refreshable ''
            set -l all
            read -z all <$state
            set -l kv (string split \n -- $all)[1..64]
            set kv (string match -rg '^(context|label|account|region|status|expires|refreshable|stale_after)=(.*)$' -- $kv)
            while set -q kv[2]
                switch $kv[1]
                    case context
                        set s_context $kv[2]
                    case label
                        set s_label $kv[2]
                    case account
                        set s_account $kv[2]
                    case region
                        set s_region $kv[2]
                    case status
                        set s_status $kv[2]
                    case expires
                        string match -qr '^[0-9]{1,15}$' -- $kv[2]; and set s_expires $kv[2]
                    case refreshable
                        set s_refreshable $kv[2]
                    case stale_after
                        string match -qr '^[0-9]{1,15}$' -- $kv[2]; and set s_stale_after $kv[2]
                end
                set -e kv[1..2]
            end
        end
        test "$s_context" = "$ctx"; and set found 1
    end

    # The clock: now = mtime(/) + (now - mtime(/)). A command substitution costs ~50 µs even
    # for builtins, so one `math` substitution also computes the countdown's numbers: seconds
    # left, their floor / 60, / 3600, / 86400, and floor(left / 60) % 60.
    set -l t (path mtime / ; path mtime --relative /)
    set -l left "($s_expires - $t[1] - $t[2])"
    set -l n (math $t[1] + $t[2]; math $left; math "floor($left / 60)"; math "floor($left / 3600)"; math "floor($left / 60) % 60"; math "floor($left / 86400)")
    set -l now $n[1]

    # Stale: missing, past stale_after, or an AWS file changed after the state was written.
    # One `path mtime` for the state and every watched file (it skips missing ones): the
    # state's own mtime comes first.
    if test $found = 1 -a -n "$s_stale_after"; and test $now -lt $s_stale_after
        set stale 0
        set -l cfg $HOME/.aws/config
        set -qx AWS_CONFIG_FILE; and test -n "$AWS_CONFIG_FILE"; and set cfg "$AWS_CONFIG_FILE"
        set -l cred $HOME/.aws/credentials
        set -qx AWS_SHARED_CREDENTIALS_FILE; and test -n "$AWS_SHARED_CREDENTIALS_FILE"; and set cred "$AWS_SHARED_CREDENTIALS_FILE"
        if string match -q '~/*' -- $cfg $cred
            set -l both (string replace -r '^~/' "$HOME/" -- $cfg $cred)
            set cfg $both[1]
            set cred $both[2]
        end
        # (`set` keeps an unmatched glob as nothing; as a command argument it would be an error)
        set -l files $HOME/.aws/sso/cache/*.json
        set -l m (path mtime -- $state $cfg $cred $files 2>/dev/null)
        for x in $m[2..]
            if test $x -gt $m[1]
                set stale 1
                break
            end
        end
    end

    if test $stale = 1 -a "$__credguard_refresh" = 1 -a -z "$CREDGUARD_PROMPT_NO_REFRESH"
        __credguard_launch $ctx $now $dir
    end

    # What to show (= src/prompt/render.ts segmentModel).
    set -l label ''
    set -l account ''
    test $found = 1; and set label $s_label
    if test -z "$label"
        if test -n "$key"
            set label 'env keys'
        else
            set label $profile
        end
    end
    test $found = 1; and set account $s_account
    set -l region ''
    set -qx AWS_REGION; and set region "$AWS_REGION"
    test -z "$region"; and set -qx AWS_DEFAULT_REGION; and set region "$AWS_DEFAULT_REGION"
    test -z "$region" -a $found = 1; and set region $s_region

    set -l tail ''
    set -l level unknown
    if test $found = 0
        set tail '?'
    else
        switch "$s_status"
            case ok
                set level normal
                if test $s_expires -gt 0
                    set -l i $n[2]
                    if test $i -le 0
                        set s_status expired
                    else
                        if test "$__credguard_show_countdown" = 1
                            if test $i -lt 60
                                set tail {$i}s
                            else if test $i -lt 3600
                                set tail {$n[3]}m
                            else if test $i -lt 172800
                                set -l mm $n[5]
                                test $mm -lt 10; and set mm 0$mm
                                set tail {$n[4]}h{$mm}m
                            else
                                set tail {$n[6]}d
                            end
                        end
                        if test $i -le $__credguard_danger
                            set level danger
                        else if test $i -le $__credguard_warn
                            set level warn
                        end
                    end
                end
            case invalid error
                set tail "✗ $s_status"
                set level danger
            case none
                if test "$__credguard_hide_none" = 1
                    set s_status hide
                else
                    set tail '✗ no credentials'
                    set level danger
                end
            case expired
            case '*'
                set tail '?'
        end
        if test "$s_status" = expired
            if test "$s_refreshable" = 1
                set tail 'sso⟳'
                set level warn
            else if test "$__credguard_hide_expired" = 1
                set s_status hide
            else
                set tail expired
                set level expired
            end
        end
        if test "$s_status" = hide
            set -g CREDGUARD_PROMPT ''
            set -g CREDGUARD_PROMPT_TEXT ''
            set -g CREDGUARD_PROMPT_LEVEL hidden
            set -g CREDGUARD_PROMPT_COLOR ''
            return 0
        end
    end
    if test $stale = 1; and not string match -q -- '*\?' "$tail"
        set tail "$tail?"
    end

    if string match -qr -- '[\x{00}-\x{1f}\x{7f}-\x{9f}]' "$label" "$account" "$region"
        set -l lar (string replace -ra -- '[\x{00}-\x{1f}\x{7f}-\x{9f}]' '?' "$label" "$account" "$region")
        set label $lar[1]
        set account $lar[2]
        set region $lar[3]
    end
    set -l head $label
    test -n "$__credguard_symbol"; and set head "$__credguard_symbol $head"
    test "$__credguard_show_account" = 1 -a -n "$account"; and set head "$head $account"
    test "$__credguard_show_region" = 1 -a -n "$region"; and set head "$head $region"

    set -l tail_c $__credguard_sgr_unknown
    set -l tail_z $__credguard_zc_unknown
    switch $level
        case normal
            set tail_c $__credguard_sgr_normal; set tail_z $__credguard_zc_normal
        case warn
            set tail_c $__credguard_sgr_warn; set tail_z $__credguard_zc_warn
        case danger
            set tail_c $__credguard_sgr_danger; set tail_z $__credguard_zc_danger
        case expired
            set tail_c $__credguard_sgr_expired; set tail_z $__credguard_zc_expired
    end
    # Class colours: the first glob (only * and ? active; baked as an anchored regex) matching
    # the label or the account.
    set -l head_c $tail_c
    set -l head_z $tail_z
    set -l i 1
    # (`set -q …[3]` first: no command substitution when there are no classes)
    while set -q __credguard_classes[3]; and set -q __credguard_classes[(math $i + 2)]
        if string match -qr -- $__credguard_classes[$i] "$label"; or string match -qr -- $__credguard_classes[$i] "$account"
            set head_c $__credguard_classes[(math $i + 1)]
            set head_z $__credguard_classes[(math $i + 2)]
            break
        end
        set i (math $i + 3)
    end

    set -l text $head
    test -n "$tail"; and set text "$head $tail"
    set -g CREDGUARD_PROMPT_TEXT $text
    set -g CREDGUARD_PROMPT_LEVEL $level
    test $level = normal; or set head_z $tail_z
    set -g CREDGUARD_PROMPT_COLOR $head_z
    set -l nocolor ''
    set -qx NO_COLOR; and set nocolor "$NO_COLOR"
    if test "$__credguard_plain" = 1 -o -n "$nocolor"
        set -g CREDGUARD_PROMPT $text
        return 0
    end
    set -l out \e\[{$head_c}m$head
    if test -n "$tail"
        set out "$out "
        test "$tail_c" != "$head_c"; and set out $out\e\[{$tail_c}m
        set out $out$tail
    end
    set -g CREDGUARD_PROMPT $out\e\[39m
    return 0
end

# Render before every prompt. fish restores $status for the prompt after event handlers.
function __credguard_on_prompt --on-event fish_prompt
    __credguard_render
end

# Print the segment computed for this prompt.
function credguard_prompt
    printf '%s' "$CREDGUARD_PROMPT"
end

# Returns its argument: hands the user's $status on to a wrapped prompt function.
function __credguard_status
    return $argv[1]
end

# Opt-in placement: wrap the existing fish_prompt / fish_right_prompt once (a copy of the
# original is kept as __credguard_orig_*; sourcing again does not wrap twice).
switch "$__credguard_position"
    case left
        if not functions -q __credguard_orig_fish_prompt
            functions -q fish_prompt; and functions -c fish_prompt __credguard_orig_fish_prompt
            function fish_prompt
                set -l s $status
                test -n "$CREDGUARD_PROMPT"; and printf '%s ' "$CREDGUARD_PROMPT"
                functions -q __credguard_orig_fish_prompt; or return $s
                __credguard_status $s
                __credguard_orig_fish_prompt
            end
        end
    case right
        if not functions -q __credguard_orig_fish_right_prompt
            if functions -q fish_right_prompt
                functions -c fish_right_prompt __credguard_orig_fish_right_prompt
            else
                function __credguard_orig_fish_right_prompt
                end
            end
            function fish_right_prompt
                set -l s $status
                printf '%s' "$CREDGUARD_PROMPT"
                set -l o (__credguard_status $s; __credguard_orig_fish_right_prompt)
                test -n "$CREDGUARD_PROMPT" -a -n "$o"; and printf ' '
                printf '%s' $o
            end
        end
end
