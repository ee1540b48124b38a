# shellcheck shell=bash
# Sourced by the SLURM tests: a private one-node SLURM cluster (munged, slurmctld, slurmd)
# living entirely under one scratch folder, so a test never touches a SLURM or munge that
# the machine already runs: its own munge key and socket, its own TCP ports, state, spool,
# pid and log files. The PIDs of the three daemons are kept, and cluster_stop ends exactly
# those (from the EXIT trap cluster_start sets, so also on failure). What a run killed
# outright left behind, the next run in the same folder stops (cluster_stop_leftovers).
#
#   cluster_start DIR     start, wait until the node is idle; exports SLURM_CONF; sets the
#                         traps that stop the daemons when the test ends, however it ends
#   cluster_stop          cancel what is left, stop the daemons, print their logs on failure
#   cluster_wait_job ID SECONDS   wait until job ID (every task of an array) has ended
#   cluster_job_field ID KEY      a field of `scontrol show job` (JobState, ExitCode, ...)
#   fail MESSAGE          print and exit 1
#
# Facts this relies on (checked with slurm-wlm 22.05 and munge 0.5.15, as root): munged runs
# as root with a private key/socket when the socket's folder is world-executable; the
# daemons run in the foreground (-D) so $! is the daemon itself; select/cons_tres with
# CR_Core, proctrack/linuxproc and task/none need no cgroups; `-i` makes slurmctld ignore
# any saved state.

cluster_dir=""
cluster_pids=()
cluster_names=()
cluster_socket_dir=""
cluster_ok=0

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The daemons need root (slurmd starts job steps as the submitting user); without the
# packages the test cannot run at all. Both are reported as a skip (exit 77).
cluster_require() {
  local missing=() exe
  for exe in munged munge slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
    command -v "$exe" >/dev/null 2>&1 || missing+=("$exe")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "SKIP: not installed: ${missing[*]} (tools/install-deps.sh installs slurmd slurmctld slurm-client munge)"
    exit 77
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the private SLURM daemons need root"
    exit 77
  fi
}

# Two TCP ports that are free now (the kernel picks them), for slurmctld and slurmd.
cluster_free_ports() {
  /usr/bin/python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
}

# A daemon left running by an earlier run of this test that was killed before its trap
# ran (ctest's timeout sends SIGKILL): its pid file is in our folder and its command line
# names our folder, so it is ours to stop. Nothing else is touched.
cluster_stop_leftovers() {
  local f pid earlier=0
  for f in "$cluster_dir"/run/*.pid; do
    [ -f "$f" ] || continue
    earlier=1  # cluster_stop removes the pid files: that run did not end cleanly
    pid=$(cat "$f" 2>/dev/null) || continue
    if [ -n "$pid" ] && grep -qa -- "$cluster_dir" "/proc/$pid/cmdline" 2>/dev/null; then
      echo "cluster: stopping daemon $pid left by an earlier run ($f)"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  [ "$earlier" = 0 ] || cluster_stop_jobs all
}

# cluster_stop_jobs steps|all: a job's slurmstepd whose slurmd is gone keeps running, and
# so do the job's processes. Ours have our SLURM_CONF in their environment (the daemons
# give it to slurmstepd; the jobs inherit it from the test that submitted them). "steps"
# stops the slurmstepd processes only; "all" (before this run exports SLURM_CONF) every
# process that has it, the jobs of an earlier run included; never this shell.
cluster_stop_jobs() {
  local p pid comm
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    if [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ]; then continue; fi
    comm=""
    { read -r comm <"$p/comm"; } 2>/dev/null || continue  # gone meanwhile
    [ "$1" = all ] || [ "$comm" = slurmstepd ] || continue
    # -z: the environment is NUL-separated; -x: the whole entry.
    if grep -qzxF "SLURM_CONF=$cluster_dir/slurm.conf" "$p/environ" 2>/dev/null; then
      echo "cluster: stopping $comm ($pid) of a job of this cluster"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

cluster_spawn() {  # cluster_spawn NAME command...: start in the background, keep the PID
  local name=$1
  shift
  "$@" >"$cluster_dir/log/$name.out" 2>&1 &
  cluster_pids+=("$!")
  cluster_names+=("$name")
  echo "$!" >"$cluster_dir/run/$name.pid"
}

cluster_start() {
  cluster_dir=$(realpath -m "$1")
  cluster_require
  # bash runs the EXIT trap on a signal only if that signal is trapped too.
  trap cluster_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  cluster_stop_leftovers
  rm -rf -- "$cluster_dir"
  mkdir -p "$cluster_dir"/{state,spool,log,run,munge,jobs}
  # A Unix socket path is limited to 107 bytes; a deep build tree gets a socket in /tmp.
  cluster_socket_dir=$cluster_dir/munge
  if [ ${#cluster_socket_dir} -gt 80 ]; then
    cluster_socket_dir=$(mktemp -d /tmp/mspipe-munge.XXXXXX)
  fi
  chmod 755 "$cluster_socket_dir"  # munged refuses a socket folder others cannot enter
  local socket=$cluster_socket_dir/munge.socket
  head -c 1024 /dev/urandom >"$cluster_dir/munge/munge.key"
  chmod 600 "$cluster_dir/munge/munge.key"

  local host cpus mem_mib ports
  host=$(hostname -s)
  cpus=$(nproc)
  # Below what slurmd measures, or it drains the node for "Low RealMemory".
  mem_mib=$(awk '/^MemTotal:/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
  read -r -a ports < <(cluster_free_ports)
  : >"$cluster_dir/plugstack.conf"  # no SPANK plugins from /etc/slurm
  cat >"$cluster_dir/slurm.conf" <<EOF
# A private one-node cluster for mspipe's tests; every path is under $cluster_dir.
ClusterName=mspipetest
SlurmctldHost=$host
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
PlugStackConfig=$cluster_dir/plugstack.conf
StateSaveLocation=$cluster_dir/state
SlurmdSpoolDir=$cluster_dir/spool
SlurmctldPidFile=$cluster_dir/run/slurmctld.daemon.pid
SlurmdPidFile=$cluster_dir/run/slurmd.daemon.pid
SlurmctldLogFile=$cluster_dir/log/slurmctld.log
SlurmdLogFile=$cluster_dir/log/slurmd.log
# A finished job stays visible to scontrol for an hour: longer than any test.
MinJobAge=3600
KillWait=10
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mib State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$cluster_dir/slurm.conf

  cluster_spawn munged munged -F --socket="$socket" --key-file="$cluster_dir/munge/munge.key" \
    --pid-file="$cluster_dir/run/munged.daemon.pid" --log-file="$cluster_dir/log/munged.log" \
    --seed-file="$cluster_dir/munge/munged.seed"
  local i
  for i in $(seq 50); do
    [ -S "$socket" ] && break
    sleep 0.2
  done
  [ -S "$socket" ] || fail "munged did not create $socket"
  cluster_spawn slurmctld slurmctld -f "$SLURM_CONF" -i -D
  cluster_spawn slurmd slurmd -f "$SLURM_CONF" -D
  for _ in $(seq 60); do
    [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ] && break
    sleep 1
  done
  [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ] || fail "the node did not become idle: $(sinfo 2>&1)"
  echo "cluster: up in $cluster_dir (ports ${ports[*]}, $cpus CPUs, $mem_mib MiB)"
}

cluster_stop() {
  [ -n "$cluster_dir" ] || return 0
  if [ ${#cluster_pids[@]} -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then
    local left
    mapfile -t left < <(squeue -h -o %A 2>/dev/null)
    if [ ${#left[@]} -gt 0 ]; then
      scancel --full --quiet "${left[@]}" 2>/dev/null || true
      # While the daemons still run, so that each job's slurmstepd ends its processes
      # (SIGKILL after KillWait) and exits instead of outliving the cluster.
      for _ in $(seq 30); do
        [ -n "$(squeue -h -o %A 2>/dev/null)" ] || break
        sleep 1
      done
    fi
  fi
  # Newest first: slurmd, slurmctld, then munged (they authenticate through it to the end).
  local k pid
  for ((k = ${#cluster_pids[@]} - 1; k >= 0; k--)); do
    pid=${cluster_pids[k]}
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null && echo "cluster: ${cluster_names[k]} ($pid) needed SIGKILL"
    wait "$pid" 2>/dev/null || true
    rm -f "$cluster_dir/run/${cluster_names[k]}.pid"
  done
  cluster_pids=()
  cluster_stop_jobs steps
  if [ "$cluster_ok" != 1 ]; then
    local f
    for f in "$cluster_dir"/log/*.out; do  # the daemons' stderr: their whole log
      [ -s "$f" ] && { echo "---- $f (last lines)"; tail -n 25 "$f"; }
    done
  fi
  if [ "$cluster_socket_dir" != "$cluster_dir/munge" ] && [ -n "$cluster_socket_dir" ]; then
    rm -rf -- "$cluster_socket_dir"
  fi
}

cluster_job_field() {  # first value of KEY in `scontrol show job ID`
  scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# Waits until no task of job ID (an array job's id covers all its tasks) is pending or
# running; fails after SECONDS.
cluster_terminal='^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$'
cluster_wait_job() {
  local id=$1 seconds=$2 t0=$SECONDS
  while squeue -h -j "$id" -t all -o %T 2>/dev/null | grep -Eqv "$cluster_terminal"; do
    [ $((SECONDS - t0)) -lt "$seconds" ] || fail "job $id still running after $seconds s: $(squeue 2>&1)"
    sleep 1
  done
}
