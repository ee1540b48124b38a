#include "pipeline/vae_outputs.hpp"

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/fnv1a.hpp"
#include "core/log.hpp"
#include "io/fingerprints.hpp"
#include "io/reconstructions.hpp"
#include "ml/vae_encode.hpp"
#include "ml/vae_reconstruct.hpp"

namespace mspipe::pipeline {

std::int64_t write_fingerprints_of(const core::Comm& world, const ml::InferenceOptions& options,
                                   const ml::VeSource& source, const std::filesystem::path& out) {
  auto block = ml::encode_set(world, options, source);
  io::Fingerprints rows;
  rows.total = block.total, rows.first = block.first, rows.latent = block.latent;
  rows.ve_id = std::move(block.ve_id);
  rows.fingerprint = std::move(block.mu);
  rows.model = block.model;
  rows.checkpoint = options.checkpoint.string();
  if (world.rank() == 0) rows.checkpoint_digest = core::file_digest(options.checkpoint);
  world.bcast(rows.checkpoint_digest);
  io::write_fingerprints(out, rows, world);
  core::log::info("vae encode: {} fingerprints of {} values -> {}", rows.total, rows.latent,
                  out.string());
  return rows.total;
}

void write_reconstructions_of(const core::Comm& world, const ml::InferenceOptions& options,
                              const ml::VeSource& source, const std::vector<std::int64_t>& indices,
                              const std::filesystem::path& out,
                              const std::filesystem::path& vti_dir) {
  auto block = ml::reconstruct_set(world, options, source, indices);
  io::Reconstructions rows;
  rows.total = block.total, rows.first = block.first, rows.edge = block.edge;
  rows.ve_id = std::move(block.ve_id);
  rows.phi4 = std::move(block.phi4);
  rows.input = std::move(block.input);
  rows.reconstruction = std::move(block.reconstruction);
  rows.voxel_phi4 = std::move(block.voxel_phi4);
  rows.model = block.model;
  rows.checkpoint = options.checkpoint.string();
  io::write_reconstructions(out, rows, world);
  if (!vti_dir.empty()) {
    core::collective(world, [&] {
      std::error_code ec;
      std::filesystem::create_directories(vti_dir, ec);
      if (ec)
        throw core::InputError(core::format_error(vti_dir.string(), "cannot create directory"));
    });
    io::write_reconstruction_vtis(vti_dir, rows);
  }
  core::log::info("vae reconstruct: {} VEs -> {}{}", rows.total, out.string(),
                  vti_dir.empty() ? std::string() : ", " + vti_dir.string());
}

}  // namespace mspipe::pipeline
