#!/usr/bin/env bash
# expect_run.sh SCRATCH FRESH EXIT REGEX NO_FILE -- command...
# Runs the command inside the folder SCRATCH (made if missing; emptied first when FRESH
# is 1, so no file of an earlier run can make a test pass). Passes when the command exits
# with EXIT, its output matches REGEX (if given) and the path NO_FILE (if given, relative
# to SCRATCH) does not exist afterwards (no half-written output).
set -u
scratch=$1 fresh=$2 want_rc=$3 regex=$4 no_file=$5
shift 6
if [ "$fresh" = 1 ]; then rm -rf -- "$scratch"; fi
mkdir -p -- "$scratch" && cd -- "$scratch" || { echo "expect_run: cannot use $scratch"; exit 1; }
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" != "$want_rc" ]; then echo "expect_run: exit code $rc, expected $want_rc"; exit 1; fi
# The output is matched as one line (newlines become spaces) so a pattern can span lines.
if [ -n "$regex" ] && ! tr '\n' ' ' <<<"$out" | grep -Eq -- "$regex"; then echo "expect_run: output does not match /$regex/"; exit 1; fi
if [ -n "$no_file" ] && [ -e "$no_file" ]; then echo "expect_run: $no_file was left behind"; exit 1; fi
echo "expect_run: ok"
