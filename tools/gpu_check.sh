#!/usr/bin/env bash
# tools/gpu_check.sh [--cpu] [--build DIR] [-- gpu_check options]
#
# One prepared check of the VAE's GPU path, for a machine with an NVIDIA GPU, CUDA and a
# CUDA PyTorch (its LibTorch headers and CMake files) but no MPI, HDF5 or PETSc. It
# configures and builds bench/ml/gpu_check (the model, loss and fused Adam of src/ml and
# LibTorch only) and runs:
#   1. the study's model (resnet18, width 64, hidden 8192, latent 256) at 64^3 training
#      on GPU 0 for 100 steps in float32: samples/s, peak GPU memory, loss falling;
#   2. the same under bf16 autocast;
#   3. an NCCL all-reduce over every visible GPU, checked against the host-computed sum.
# The output is also written to DIR/gpu_check.log (DIR default build/gpu_check).
#
# --cpu: the same steps on the CPU at tiny sizes (16^3, width 4) against the LibTorch
# CMake finds by default (Debian's), NCCL skipped: every step but the all-reduce is
# tried without a GPU (ctest: gpu_check_cpu). Exit 0 when every check passed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cpu=0 build=
while (($#)); do
  case $1 in
    --cpu) cpu=1 ;;
    --build) build=$2; shift ;;
    --) shift; break ;;
    *) echo "gpu_check.sh: error: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done
build=${build:-$here/build/gpu_check$([ $cpu = 1 ] && echo _cpu)}
mkdir -p "$build"
log=$build/gpu_check.log
exec > >(tee "$log") 2>&1

cmake_args=(-S "$here/bench/ml/gpu_check" -B "$build" -DCMAKE_BUILD_TYPE=Release)
command -v ninja >/dev/null && cmake_args+=(-G Ninja)
if [ $cpu = 0 ]; then
  py=${PYTHON:-python3}
  prefix=$("$py" -c 'import torch; print(torch.utils.cmake_prefix_path)')
  echo "PyTorch $("$py" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)'), CMake files in $prefix"
  # NCCL: PyTorch's wheel depends on nvidia-nccl-cu*, which ships nccl.h and libnccl.so.2.
  nccl=${NCCL_ROOT:-$("$py" -c 'import os, nvidia.nccl as n; print(os.path.dirname(n.__file__) if n.__file__ else list(n.__path__)[0])' 2>/dev/null || true)}
  cmake_args+=(-DCMAKE_PREFIX_PATH="$prefix")
  [ -n "$nccl" ] && cmake_args+=(-DNCCL_ROOT="$nccl") && echo "NCCL from $nccl"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  # CUDA 13 toolkits: nvcc is not needed (no .cu files), but CMake's CUDAToolkit needs
  # the toolkit's root.
  [ -d /usr/local/cuda ] && export CUDAToolkit_ROOT=${CUDAToolkit_ROOT:-/usr/local/cuda}
  run_args=("$@")
else
  run_args=(--cpu --size 16 --width 4 --hidden 32 --latent 8 --batch 4 --steps 30 --lr 1e-3 "$@")
fi
echo "== configure"
cmake "${cmake_args[@]}"
echo "== build"
cmake --build "$build" -j "$(nproc)"
echo "== run: gpu_check ${run_args[*]}"
"$build/gpu_check" "${run_args[@]}"
