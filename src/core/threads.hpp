#pragma once
// The OpenMP thread count of this rank, set in one place. Ranks usually fill the cores
// already, so the default elsewhere is one thread per rank; idle OpenMP workers spinning
// next to busy ranks slow both down. LibTorch keeps its own pool: ml sets that one too.
namespace mspipe::core {

// Sets the OpenMP threads of this process to max(1, n); a no-op without OpenMP.
void set_threads(int n);

}  // namespace mspipe::core
