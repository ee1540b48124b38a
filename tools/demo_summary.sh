#!/usr/bin/env bash
# demo_summary.sh DIR START: draws the demo's plots and report, says what was made, where,
# and how long it took since START (seconds since the epoch).
set -euo pipefail
dir=$1 start=$2
tools=$(dirname "$0")
plots=()
if /usr/bin/python3 -c 'import h5py, matplotlib' 2>/dev/null; then
  mkdir -p "$dir/plots"
  /usr/bin/python3 "$tools/plot_ve_slices.py" "$dir/ve_demo.h5" --rows 0 1 -o "$dir/plots/ve_slices.png" >/dev/null
  /usr/bin/python3 "$tools/plot_vae.py" curves "$dir/vae/metrics.csv" -o "$dir/plots/vae_loss.png" >/dev/null
  /usr/bin/python3 "$tools/plot_stress.py" "$dir/campaign.h5" -o "$dir/plots/stress_strain.png" >/dev/null
  /usr/bin/python3 "$tools/plot_surrogate.py" "$dir/surrogate" >/dev/null  # into surrogate/plots
  /usr/bin/python3 "$tools/plot_latent.py" "$dir/analysis" -o "$dir/plots/latent.png" >/dev/null
  /usr/bin/python3 "$tools/report.py" "$dir" >/dev/null
  plots=(plots/ve_slices "mid-plane slices of VEs 0 and 1, Euler angles as RGB"
         plots/vae_loss "VAE loss and test phi4 per epoch"
         plots/stress_strain "sigma_zz against strain of the simulated VEs"
         surrogate/plots/surrogate_curves "surrogate vs simulation, four test VEs (90 % band)"
         surrogate/plots/surrogate_parity "predicted vs simulated stress, test VEs"
         surrogate/plots/surrogate_baselines "the surrogate on baseline inputs (R², MAE)"
         surrogate/plots/surrogate_learning_curve "test error against training VEs, per input"
         plots/latent "PCA of the fingerprints: training VEs and edge cases")
fi
seconds=$(( $(date +%s) - start ))
echo
echo "mspipe demo finished in ${seconds} s. Made in ${dir}/:"
describe() {  # path, words
  [ -e "$1" ] && printf '  %-44s %6s  %s\n' "${1#"$dir"/}" "$(du -h "$1" | cut -f1)" "$2"
  return 0
}
describe "$dir/ve_demo.h5" "48 volume elements (grain ids, Euler angles, grain tables)"
describe "$dir/vti/ve_0.vti" "VE 0 for ParaView"
describe "$dir/vae/checkpoint.pt" "the trained VAE"
describe "$dir/vae/metrics.csv" "VAE losses per epoch"
describe "$dir/campaign.h5" "the campaign: VE ids, fingerprints, stress-strain curves (Mg), status"
describe "$dir/surrogate/model.pt" "the surrogate ensemble (fingerprint -> sigma_zz curve)"
describe "$dir/surrogate/metrics.csv" "its train / validation / test metrics (summary.txt: in words)"
describe "$dir/surrogate/compare/compare.csv" "the same network on baseline inputs"
describe "$dir/surrogate/compare/learning_curve.csv" "test error at 8, 16 and all training VEs"
describe "$dir/analysis/summary.json" "latent space: PCA components, clustering accuracy"
for ((i = 0; i < ${#plots[@]}; i += 2)); do describe "$dir/${plots[i]}.png" "${plots[i + 1]}"; done
if [ -e "$dir/report.html" ]; then
  describe "$dir/report.html" "everything above on one page"
  echo "Open the report: xdg-open $dir/report.html   (or file://$(cd "$dir" && pwd)/report.html in a browser)"
fi
