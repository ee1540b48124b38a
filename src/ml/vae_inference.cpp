#include "ml/vae_inference.hpp"

#include <fmt/core.h>
#include <torch/torch.h>

#include <optional>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/partition.hpp"
#include "core/threads.hpp"
#include "ml/checkpoint.hpp"
#include "ml/inference_model.hpp"

namespace mspipe::ml {

RowBlock row_block(const core::Comm& comm, std::int64_t total) {
  const auto mine = core::block_range(total, comm.size(), comm.rank());
  return {mine.begin, mine.size()};
}

Vae load_for_inference(const core::Comm& comm, const InferenceOptions& options,
                       const VeSource& source) {
  core::set_threads(options.threads);
  at::set_num_threads(options.threads);
  std::optional<Vae> model;
  core::collective(comm, [&] { model.emplace(load_model(options.checkpoint)); });
  if ((*model)->options().ve_size != source.edge())
    throw core::InputError(core::format_error(
        options.checkpoint.string(),
        fmt::format("the model takes {}^3 VEs, {} has {}^3", (*model)->options().ve_size,
                    source.describe(), source.edge())));
  return *model;
}

std::string describe_checkpoint(const std::filesystem::path& checkpoint) {
  const auto c = read_checkpoint_header(checkpoint);
  const auto& m = c.model;
  // plain_conv has no hidden layer and no normalisation: name only what the model has.
  const auto resnet_parts =
      m.family == Family::plain
          ? std::string()
          : fmt::format(", hidden {}, {} norm", m.hidden, m.norm == Norm::batch ? "batch" : "group");
  return fmt::format("{}, width {}, latent {}{}, {}^3 (epoch {}, step {})", m.architecture(), m.width,
                     m.latent, resnet_parts, m.ve_size, c.position.epoch, c.position.global_step);
}

}  // namespace mspipe::ml
