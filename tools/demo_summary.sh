#!/usr/bin/env bash
# demo_summary.sh DIR SECONDS: draws the demo's plots and says what was made, and where.
set -euo pipefail
dir=$1 seconds=$2
plots=()
if /usr/bin/python3 -c 'import h5py, matplotlib' 2>/dev/null; then
  mkdir -p "$dir/plots"
  tools=$(dirname "$0")
  /usr/bin/python3 "$tools/plot_ve_slices.py" "$dir/ve_demo.h5" --rows 0 1 -o "$dir/plots/ve_slices.png" >/dev/null
  /usr/bin/python3 "$tools/plot_vae.py" curves "$dir/vae/metrics.csv" -o "$dir/plots/vae_loss.png" >/dev/null
  /usr/bin/python3 "$tools/plot_stress.py" "$dir/campaign.h5" -o "$dir/plots/stress_strain.png" >/dev/null
  plots=(ve_slices "mid-plane slices of VEs 0 and 1, Euler angles as RGB"
         vae_loss "VAE loss and test phi4 per epoch"
         stress_strain "sigma_zz against strain of the simulated VEs")
fi
echo
echo "mspipe demo finished in ${seconds} s. Made in ${dir}/:"
describe() {  # path, words
  [ -e "$1" ] && printf '  %-28s %6s  %s\n' "${1#"$dir"/}" "$(du -h "$1" | cut -f1)" "$2"
  return 0
}
describe "$dir/ve_demo.h5" "16 volume elements (grain ids, Euler angles, grain tables)"
describe "$dir/vti/ve_0.vti" "VE 0 for ParaView"
describe "$dir/vae/checkpoint.pt" "the trained VAE"
describe "$dir/vae/metrics.csv" "losses per epoch"
describe "$dir/campaign.h5" "the campaign: VE ids, fingerprints, stress-strain curves (Mg), status"
for ((i = 0; i < ${#plots[@]}; i += 2)); do describe "$dir/plots/${plots[i]}.png" "${plots[i + 1]}"; done
