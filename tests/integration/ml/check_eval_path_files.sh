#!/usr/bin/env bash
# check_eval_path_files.sh OUT_DIR PATH_DIR STEPS SETS [PLOT_TOOL]
# Run in the scratch folder after `vae eval --sets` and `vae path`: the table's CSV has
# the documented columns, one row per set, ratio = phi4 / reference for both references
# (the mean orientation's is the lower, a stronger input-blind model); the path folder
# holds STEPS whole .vti files named by a whole path.csv with t from 0 to 1, and no
# temporary files; with PLOT_TOOL (and matplotlib) the strip is drawn.
set -u
out=$1 path=$2 steps=$3 sets=$4 plot=${5:-}
fail() { echo "check_eval_path_files: $*"; exit 1; }
csv=$out/eval_sets.csv
[ -f "$csv" ] || fail "no $csv"
header=$(head -1 "$csv")
want="set,count,ve_size,resolution,seed,first_id,phi4_mean,phi4_std,reference_mean,reference_std,ratio"
want="$want,orientation_reference_mean,orientation_reference_std,orientation_ratio"
[ "$header" = "$want" ] || fail "header '$header', expected '$want'"
[ "$(tail -n +2 "$csv" | cut -d, -f1 | paste -sd,)" = "$sets" ] || fail "sets in $csv are not $sets"
awk -F, 'NR > 1 { if (NF != 14) { print "row " NR " has " NF " columns"; bad = 1 }
                 r = $7 / $9; if ((r - $11) ^ 2 > 1e-12 * r * r) { print "row " NR ": ratio " $11 " is not " r; bad = 1 }
                 r = $7 / $12; if ((r - $14) ^ 2 > 1e-12 * r * r) { print "row " NR ": ratio " $14 " is not " r; bad = 1 }
                 if ($12 >= $9) { print "row " NR ": mean orientation " $12 " not below the mean angles " $9; bad = 1 }
                 if ($3 != 16 || $2 != 3) { print "row " NR ": count/size " $2 "/" $3; bad = 1 } }
         END { exit bad }' "$csv" || fail "bad rows in $csv"
# The presets' physical edge is 64 x 0.25 = 16: at 16^3 the resolution is 1.
awk -F, 'NR > 1 && $4 != 1 { exit 1 }' "$csv" || fail "resolution not rescaled to keep the VE edge"
[ "$(grep -c '^training,.*,100000,' "$csv")" = 1 ] || fail "training set not from the preset's held-out ids"

[ -f "$path/path.csv" ] || fail "no $path/path.csv"
[ "$(grep -c '^[0-9]' "$path/path.csv")" = "$steps" ] || fail "path.csv does not have $steps steps"
[ "$(grep -c 'step_.*\.vti' "$path/path.csv")" = "$steps" ] || fail "path.csv does not name $steps files"
grep -q '^0,0.000000,step_000.vti$' "$path/path.csv" || fail "path does not start at t = 0"
grep -q "^$((steps - 1)),1.000000," "$path/path.csv" || fail "path does not end at t = 1"
for f in input_a.vti input_b.vti $(grep -o 'step_[0-9]*\.vti' "$path/path.csv"); do
  [ -f "$path/$f" ] || fail "missing $path/$f"
  tail -1 "$path/$f" | grep -q '</VTKFile>' || fail "$path/$f is not whole"
  grep -q 'Name="euler_normalised" NumberOfComponents="3"' "$path/$f" || fail "$path/$f has no euler_normalised"
done
[ "$(ls "$path" | grep -c '\.vti$')" = $((steps + 2)) ] || fail "not $((steps + 2)) .vti files in $path"
ls "$path" "$out" | grep -q '\.tmp$' && fail "temporary files left behind"
if [ -n "$plot" ] && /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 "$plot" "$path" -o strip.png && [ -s strip.png ] || fail "$plot failed"
fi
echo "check_eval_path_files: ok"
