#!/usr/bin/env bash
# One campaign with plain mpirun, on a workstation or inside any batch system:
#
#   MSPIPE_RANKS=8 jobscripts/generic/campaign.sh CONFIG
#
# `kill -USR1 <pid of this script>` stops it gracefully (forwarded to mpirun and by it to
# every rank: work stops, every record is made durable, exit 0); running the same command
# again resumes. Settings: jobscripts/lib/mspipe_job.sh.
set -euo pipefail
source "$(dirname "$0")/../lib/mspipe_job.sh"
[ $# -eq 1 ] || mspipe_job_die "usage: campaign.sh CONFIG"
mspipe_job_require_exe
mspipe_mpirun "$1"
