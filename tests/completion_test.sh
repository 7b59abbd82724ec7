#!/bin/bash
# tests/completion_test.sh: etc/bash-completion/lvsagent sourced in a bash
# without bash-completion's library (the script must not need it) and with
# it, COMPREPLY checked for commands, director subcommands, options, -c
# files and the service names and real servers of the file -c names.
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cat >"$tmp/director.conf" <<'CONF'
[agent]
state_dir = /run/lvsagent-director
[service web]
virtual = tcp 192.0.2.1:80
realserver = 10.0.0.1:80 method=dr
realserver = 10.0.0.2:80 weight=2
[service dns-udp]
virtual = udp 192.0.2.1:53
realserver = 10.0.0.9
CONF
: >"$tmp/other.conf"

pass=0 fail=0
# expect "WHAT" "COMMAND LINE, the cursor at its end" "EXPECTED COMPREPLY"
expect()
{
    local line=$2 got
    # shellcheck disable=SC2206 # word splitting is the point
    COMP_WORDS=($line)
    [[ $line == *' ' ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line COMP_POINT=${#line}
    COMPREPLY=()
    _lvsagent lvsagent "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
    if [[ $got == "$3 " ]]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "completion_test ($mode): $1: \"$line\" gave \"$got\", want \"$3 \"" >&2
    fi
}

run_cases()
{
    expect "commands" "lvsagent st" "start status stop"
    expect "every command" "lvsagent " "apply check-config director reload restart run start status stop"
    expect "director commands" "lvsagent director s" "save status stop"
    expect "director connections" "lvsagent director co" "connections"
    expect "listing options" "lvsagent director status --s" "--service --stats"
    expect "--service's names" "lvsagent -c $tmp/director.conf director connections --service " "dns-udp web"
    expect "after --service NAME" "lvsagent -c $tmp/director.conf director connections --service web " ""
    expect "after -c" "lvsagent -c $tmp/director.conf director d" "drain"
    expect "options" "lvsagent --c" "--check --config"
    expect "-c files" "lvsagent -c $tmp/di" "$tmp/director.conf"
    expect "services of -c's file" "lvsagent -c $tmp/director.conf director drain " "dns-udp web"
    expect "services, --config=" "lvsagent --config=$tmp/director.conf director undrain w" "web"
    expect "real servers" "lvsagent -c $tmp/director.conf director drain web " "10.0.0.1:80 10.0.0.2:80"
    expect "no services" "lvsagent -c $tmp/other.conf director drain " ""
    expect "nothing after drain's operands" "lvsagent -c $tmp/director.conf director drain web 10.0.0.1:80 " ""
    expect "director import: files" "lvsagent director import $tmp/di" "$tmp/director.conf"
    expect "... one file" "lvsagent director import $tmp/director.conf " ""
    expect "no operands for start" "lvsagent start " ""
}

mode="plain bash"
# shellcheck source=../etc/bash-completion/lvsagent
. etc/bash-completion/lvsagent
run_cases
lib=/usr/share/bash-completion/bash_completion
if [[ -r $lib ]]; then
    mode="with bash-completion"
    # shellcheck disable=SC1090
    . "$lib"
    . etc/bash-completion/lvsagent
    run_cases
fi
[[ $(complete -p lvsagent) == *"-F _lvsagent"* ]] || { echo "completion_test: not registered" >&2; fail=$((fail + 1)); }
echo "completion_test: $pass passed, $fail failed"
[[ $fail == 0 ]]
