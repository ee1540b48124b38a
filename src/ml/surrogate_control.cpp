#include "ml/surrogate_control.hpp"

#include "ml/checkpoint.hpp"

namespace mspipe::ml {

void write_untrained_checkpoint(const std::filesystem::path& trained, std::uint64_t seed,
                                const std::filesystem::path& out) {
  const auto header = read_checkpoint_header(trained);
  torch::manual_seed(seed);  // the trainer's initialisation for this seed
  Vae model(header.model);
  Checkpoint c;
  c.model = header.model;
  c.position.seed = seed;
  save_checkpoint(out, model, nullptr, c);
}

}  // namespace mspipe::ml
