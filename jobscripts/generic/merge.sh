#!/usr/bin/env bash
# Merges a campaign folder's shards into one file with plain mpirun (one rank unless
# MSPIPE_RANKS says otherwise):
#
#   jobscripts/generic/merge.sh DIR [-o FILE] [--first-id A --count N]
#
# DIR is <run.output_dir>/campaign; FILE defaults to DIR/../campaign.h5. Nothing is
# written when an id is missing or duplicated or the shards are of different campaigns.
set -euo pipefail
MSPIPE_RANKS=${MSPIPE_RANKS:-1}
source "$(dirname "$0")/../lib/mspipe_job.sh"
[ $# -ge 1 ] || mspipe_job_die "usage: merge.sh DIR [-o FILE] [--first-id A --count N]"
mspipe_job_require_exe
mspipe_mpirun campaign merge "$@"
