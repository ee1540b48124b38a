#!/usr/bin/env bash
# surrogate_predict_ves.sh MSPIPE SYNTHETIC_CAMPAIGN DATA_DIR SCRATCH
# `surrogate predict` from VEs, checked against what it must equal: the curves of a VE-set
# file encoded on 2 ranks, of the same file's fingerprints (`vae encode`), of the same
# VEs regenerated from the configuration (1 rank) and of a campaign configuration's VE set
# agree; and bad inputs (a checkpoint whose fingerprint length the model does not take, a
# copper campaign for an Mg model, another load case, a NaN Euler angle, no --vae) exit
# with the documented code and write nothing.
set -euo pipefail
mspipe=$1 synthetic=$2 data=$3 scratch=$4
rm -rf -- "$scratch" && mkdir -p -- "$scratch" && cd -- "$scratch"
mpi=(mpirun --oversubscribe --bind-to none -n)
fail() { echo "surrogate_predict_ves: $*"; exit 1; }
# expect RC REGEX NO_FILE -- command: the exit code, the output and nothing left behind.
expect() {
  local rc=$1 regex=$2 no_file=$3 out got=0
  shift 4
  out=$("$@" 2>&1) || got=$?
  printf '%s\n' "$out" | tail -5
  [ "$got" = "$rc" ] || fail "exit $got, expected $rc: $*"
  tr '\n' ' ' <<<"$out" | grep -Eq -- "$regex" || fail "output does not match /$regex/: $*"
  [ -z "$no_file" ] || [ ! -e "$no_file" ] || fail "$no_file left behind: $*"
}
cfg=$data/predict_ves.toml run=results/predict_ves
"$synthetic" . >/dev/null
expect 0 "12 fingerprints of 8 values" "" -- "${mpi[@]}" 2 "$mspipe" "$cfg"
expect 0 "180 converged of 200 records" "" -- "${mpi[@]}" 1 "$mspipe" surrogate train "$cfg"
# A model of 16-value fingerprints (campaign.h5) for the length check.
sed -e 's/campaign_l8.h5/campaign.h5/' -e 's/output_dir = "surrogate"/output_dir = "surrogate16"/' "$cfg" >l16.toml
expect 0 "converged" "" -- "${mpi[@]}" 1 "$mspipe" surrogate train l16.toml
m8=$run/surrogate/model.pt m16=$run/surrogate16/model.pt ckpt=$run/vae/checkpoint.pt

expect 0 "12 curves of 21 points \(MPa\) -> a.h5, a.csv" "" -- \
  "${mpi[@]}" 2 "$mspipe" surrogate predict --model "$m8" --ves $run/ve.h5 --vae "$ckpt" --encode-batch 2 --h5 a.h5 --csv a.csv
expect 0 "12 curves" "" -- "${mpi[@]}" 1 "$mspipe" surrogate predict --model "$m8" --input $run/fingerprints.h5 --csv b.csv
expect 0 "5 curves" "" -- "${mpi[@]}" 1 "$mspipe" surrogate predict --model "$m8" --generate "$cfg" --vae "$ckpt" \
  --first-id 3 --count 5 --csv c.csv
# A campaign's VE-set file through its configuration: another load case is refused before
# encoding; told the model's load case, its VEs 2..5 give the curves of the file.
expect 4 "predict_ves_campaign.toml: error: does not fit the model .*load case 'uniaxial_z rate 1e-3/s to 0.01 in 20 increments', the data is 'dot_F_zz 0.001 for 10 s in 20 increments'" d.csv -- \
  "${mpi[@]}" 2 "$mspipe" surrogate predict --model "$m8" --generate "$data/predict_ves_campaign.toml" --vae "$ckpt" --csv d.csv
expect 0 "4 curves" "" -- "${mpi[@]}" 2 "$mspipe" surrogate predict --model "$m8" --generate "$data/predict_ves_campaign.toml" \
  --vae "$ckpt" --load-case "uniaxial_z rate 1e-3/s to 0.01 in 20 increments" --csv d.csv
/usr/bin/python3 - <<'PY'
import csv, math, sys
import h5py
def rows(f):
    with open(f) as h:
        r = list(csv.reader(h))
    return {int(x[0]): [float(v) for v in x[1:]] for x in r[1:]}
a, b, c, d = rows("a.csv"), rows("b.csv"), rows("c.csv"), rows("d.csv")
assert sorted(a) == list(range(12)), sorted(a)
assert sorted(c) == list(range(3, 8)), sorted(c)
assert sorted(d) == list(range(2, 6)), sorted(d)
for other, name in ((b, "fingerprint file"), (c, "regenerated VEs"), (d, "campaign's VE set")):
    for i, curve in other.items():
        d = max(abs(x - y) for x, y in zip(a[i], curve))
        if d > 1e-3:
            sys.exit(f"VE {i}: curves from the VE set and from the {name} differ by {d} MPa")
for i, curve in a.items():
    mean = curve[:21]
    if not all(math.isfinite(v) for v in curve) or mean[0] > mean[-1] or not 10 < mean[-1] < 1000:
        sys.exit(f"VE {i}: not a tension curve in MPa: {mean}")
with h5py.File("a.h5") as h:
    s = h["stress_mpa"][...]
    assert s.shape == (12, 21), s.shape
    assert max(abs(s[i][k] - a[int(v)][k]) for i, v in enumerate(h["ve_id"][...]) for k in range(21)) < 1e-6
print("VE set, fingerprint file, regenerated VEs and the campaign's VE set give the same curves")
PY

expect 4 "error: does not fit the model .*fingerprints of 16 values, the data has 8" bad.csv -- \
  "${mpi[@]}" 2 "$mspipe" surrogate predict --model "$m16" --ves $run/ve.h5 --vae "$ckpt" --csv bad.csv
expect 4 "predict_ves_cu.toml: error: does not fit the model .*material 'Mg', the data is 'Cu'" bad.csv -- \
  "${mpi[@]}" 2 "$mspipe" surrogate predict --model "$m8" --generate "$data/predict_ves_cu.toml" --vae "$ckpt" --csv bad.csv
cp $run/ve.h5 nan_ve.h5
/usr/bin/python3 -c "
import h5py, numpy
with h5py.File('nan_ve.h5', 'r+') as h:
    h['ve/euler'][5, 1, 2, 3, 4] = numpy.nan
"
expect 4 "nan_ve.h5: error: VE 5: an Euler angle is not a finite number" bad.csv -- \
  "${mpi[@]}" 2 "$mspipe" surrogate predict --model "$m8" --ves nan_ve.h5 --vae "$ckpt" --csv bad.csv
expect 2 "need --vae" bad.csv -- "${mpi[@]}" 1 "$mspipe" surrogate predict --model "$m8" --ves $run/ve.h5 --csv bad.csv
echo "surrogate_predict_ves: ok"
