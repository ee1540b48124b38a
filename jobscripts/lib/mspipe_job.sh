# shellcheck shell=bash
# Sourced by every job script (jobscripts/slurm/*.sbatch, jobscripts/generic/*.sh): finds
# the executable and runs it under mpirun with SIGUSR1 forwarded, so that a campaign
# stops gracefully (stop handing out work, make every record durable, exit 0) when SLURM
# or a user signals the script.
#
# Settings (environment; every one has a default):
#   MSPIPE_ROOT    the mspipe checkout (default: the folder above jobscripts/)
#   MSPIPE_EXE     the executable (default: $MSPIPE_ROOT/build/release/drivers/mspipe)
#   MSPIPE_RANKS   MPI ranks (default: SLURM_NTASKS inside a SLURM job, else nproc)
#   MPIRUN         the launcher (default: mpirun)
#   MPIRUN_ARGS    extra launcher options, split at blanks (e.g. "--bind-to none" for
#                  threaded ranks, "--oversubscribe" for more ranks than cores)
#
# Exit codes of the scripts themselves (before mspipe runs): 2 for a usage error (a
# missing argument, an executable that is not there, an array that does not start at 0).
# Otherwise a script exits with mpirun's status, which is mspipe's (README, "Exit codes").

# The name in messages: inside SLURM $0 is the spooled copy, so the scripts set it.
mspipe_job=${mspipe_job:-${0##*/}}
MSPIPE_ROOT=${MSPIPE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MSPIPE_EXE=${MSPIPE_EXE:-$MSPIPE_ROOT/build/release/drivers/mspipe}
MSPIPE_RANKS=${MSPIPE_RANKS:-${SLURM_NTASKS:-$(nproc)}}
MPIRUN=${MPIRUN:-mpirun}
mspipe_stop_sent=0  # 1 once a SIGUSR1 arrived (and was forwarded to a running mpirun)
mspipe_child=""     # the running mpirun

mspipe_job_die() {  # usage error of a job script: message on stderr, exit 2
  echo "$mspipe_job: error: $*" >&2
  exit 2
}

mspipe_job_require_exe() {
  [ -x "$MSPIPE_EXE" ] || mspipe_job_die "no executable at '$MSPIPE_EXE' (build it, or set MSPIPE_EXE or MSPIPE_ROOT)"
}

# mspipe_config_value CONFIG SECTION KEY: the value of KEY in [SECTION] of a TOML file, a
# quoted string (one line, no escapes) without its quotes or a bare word (a number, true),
# empty when absent. awk, so that a login node needs nothing but bash; mspipe itself
# checks the whole file when it runs.
mspipe_config_value() {
  awk -v want="$2" -v key="$3" '
    /^[[:space:]]*\[/ { section = $0; sub(/#.*/, "", section); gsub(/[][[:space:]]/, "", section); next }
    section == want && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
      value = $0; sub(/^[^=]*=[[:space:]]*/, "", value)
      if (match(value, /^"[^"]*"/) || match(value, /^'\''[^'\'']*'\''/)) print substr(value, 2, RLENGTH - 2)
      else if (match(value, /^[^[:space:]#]+/)) print substr(value, 1, RLENGTH)
      exit
    }' "$1"
}

# The campaign folder of a configuration: <run.output_dir>/campaign, run.output_dir
# defaulting to results/<config name> (relative to the working directory, as in mspipe).
mspipe_campaign_dir() {
  local out
  out=$(mspipe_config_value "$1" run output_dir)
  echo "${out:-results/$(basename "${1%.*}")}/campaign"
}

# mspipe_mpirun ARGS...: runs `$MPIRUN -n $MSPIPE_RANKS $MPIRUN_ARGS $MSPIPE_EXE ARGS` and
# returns its exit status. mpirun runs in the background because bash runs a trap only
# between commands, never while it waits for a foreground one; `wait` does return when a
# trapped signal arrives. SIGUSR1 goes on to mpirun, which passes it to every rank (Open
# MPI does this for USR1/USR2). SIGTERM is not forwarded: SLURM sends it to every process
# of the job at the time limit anyway, and mpirun answers it by killing the ranks.
mspipe_mpirun() {
  local -a launcher extra
  read -r -a extra <<<"${MPIRUN_ARGS:-}"
  # ${a[@]+"${a[@]}"}: bash before 4.4 calls an empty array unset under set -u.
  launcher=("$MPIRUN" -n "$MSPIPE_RANKS" ${extra[@]+"${extra[@]}"} "$MSPIPE_EXE" "$@")
  # A SIGUSR1 that came before mpirun exists means there is no time left to start a run.
  if [ "$mspipe_stop_sent" = 1 ]; then
    echo "$mspipe_job: a stop was requested before the start: nothing run"
    return 0
  fi
  echo "$mspipe_job: $(date -u +%FT%TZ): ${launcher[*]}"
  "${launcher[@]}" &
  mspipe_child=$!
  local status=0
  while :; do
    status=0
    wait "$mspipe_child" || status=$?
    kill -0 "$mspipe_child" 2>/dev/null || break  # it ended; otherwise the trap woke us
  done
  # A wait cut short by the trap just as mpirun ended reports 128+SIGUSR1, not mpirun's
  # status; bash keeps the status of its children, so ask once more.
  if [ "$status" -gt 128 ]; then
    local again=0
    wait "$mspipe_child" 2>/dev/null || again=$?
    [ "$again" -eq 127 ] || status=$again
  fi
  mspipe_child=""
  if [ "$mspipe_stop_sent" = 1 ]; then
    echo "$mspipe_job: $(date -u +%FT%TZ): stopped on SIGUSR1 with exit code $status; run the same job again to resume"
  fi
  return "$status"
}

mspipe_forward_stop() {
  mspipe_stop_sent=1
  [ -n "$mspipe_child" ] || return 0
  echo "$mspipe_job: $(date -u +%FT%TZ): SIGUSR1: asking mpirun ($mspipe_child) for a graceful stop"
  kill -USR1 "$mspipe_child" 2>/dev/null || true
}

# From here on: without the trap, a SIGUSR1 would end this shell (the default action) and
# leave mpirun without its signal.
trap mspipe_forward_stop USR1
