#!/usr/bin/env bash
# expect_run.sh EXIT REGEX NO_FILE -- command...
# Passes when the command exits with EXIT, its output matches REGEX (if given) and the
# path NO_FILE (if given) does not exist afterwards (no half-written output).
set -u
want_rc=$1 regex=$2 no_file=$3
shift 4
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" != "$want_rc" ]; then echo "expect_run: exit code $rc, expected $want_rc"; exit 1; fi
# The output is matched as one line (newlines become spaces) so a pattern can span lines.
if [ -n "$regex" ] && ! tr '\n' ' ' <<<"$out" | grep -Eq -- "$regex"; then echo "expect_run: output does not match /$regex/"; exit 1; fi
if [ -n "$no_file" ] && [ -e "$no_file" ]; then echo "expect_run: $no_file was left behind"; exit 1; fi
echo "expect_run: ok"
