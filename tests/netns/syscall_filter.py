#!/usr/bin/env python3
"""Checks a systemd unit's SystemCallFilter= against the system calls a
program made (from an strace -f log): prints every call the filter would
refuse and exits 1 if there is one.
   usage: syscall_filter.py UNIT STRACE_LOG"""
import re
import subprocess
import sys


def syscall_groups():
    """{"@group": {members...}} as this systemd knows them."""
    text = subprocess.run(["systemd-analyze", "syscall-filter"], check=True,
                          capture_output=True, text=True).stdout
    groups, current = {}, None
    for line in text.splitlines():
        if line.startswith("@"):
            current = groups.setdefault(line.strip(), set())
        elif current is not None and line.strip() and not line.strip().startswith("#"):
            current.add(line.strip())
    return groups


def expand(names, groups, seen=None):
    seen = set() if seen is None else seen
    calls = set()
    for name in names:
        if name.startswith("@"):
            if name not in seen:
                seen.add(name)
                calls |= expand(groups.get(name, ()), groups, seen)
        else:
            calls.add(name)
    return calls


def allowed_calls(unit, groups):
    """The allow list the unit's SystemCallFilter= lines build, in order."""
    allowed = None
    for line in open(unit):
        match = re.match(r"\s*SystemCallFilter=(.*)", line)
        if not match:
            continue
        value = match.group(1).strip()
        deny = value.startswith("~")
        names = value.lstrip("~").split()
        if allowed is None:
            if deny:
                sys.exit("this check handles allow-list filters only")
            allowed = set()
        calls = expand(names, groups)
        allowed = allowed - calls if deny else allowed | calls
    return allowed


def calls_made(log):
    made = set()
    for line in open(log):
        match = re.match(r"\s*(?:\[pid\s+\d+\]\s+|\d+\s+)?([a-z0-9_]+)\(", line)
        if match:
            made.add(match.group(1))
    return made


def main():
    unit, log = sys.argv[1], sys.argv[2]
    allowed = allowed_calls(unit, syscall_groups())
    refused = sorted(calls_made(log) - allowed - {"execve"})
    if refused:
        print("refused by the unit's SystemCallFilter: " + " ".join(refused))
        return 1
    print("every system call made is allowed (%d distinct)" % len(calls_made(log)))
    return 0


sys.exit(main())
