#pragma once
// The control fingerprint of the surrogate's baselines: mu of an encoder that was never
// trained, with the architecture of a trained VAE. Whatever a surrogate learns from it
// comes from the architecture and the input, not from training; the trained fingerprint
// must beat it. No LibTorch in this header.
#include <cstdint>
#include <filesystem>

namespace mspipe::ml {

// Writes a checkpoint (the format vae encode reads) of a VAE with `trained`'s model
// options and freshly initialised weights drawn from `seed`. Throws core::InputError
// naming a file that cannot be read or written.
void write_untrained_checkpoint(const std::filesystem::path& trained, std::uint64_t seed,
                                const std::filesystem::path& out);

}  // namespace mspipe::ml
