#include "pipeline/ve_sources.hpp"

#include <fmt/core.h>

#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/config.hpp"
#include "core/errors.hpp"
#include "io/ve_set.hpp"
#include "microstructure/generator.hpp"

namespace mspipe::pipeline {

namespace {

class VeSetSource final : public ml::VeSource {
 public:
  VeSetSource(const std::filesystem::path& file, std::int64_t count) : file_(file), reader_(file) {
    count_ = count > 0 ? count : reader_.count();
    if (count_ > reader_.count())
      throw core::InputError(core::format_error(
          file.string(), fmt::format("holds {} VEs, {} were asked for (vae.data.count)",
                                     reader_.count(), count_)));
  }
  std::int64_t size() const override { return count_; }
  int edge() const override { return reader_.header().size; }
  std::int64_t id(std::int64_t index) const override {
    return reader_.ids().at(static_cast<std::size_t>(index));
  }
  void load(std::int64_t index, std::span<float> out) const override {
    std::lock_guard lock(mutex_);  // one HDF5 handle per source
    reader_.read_euler(index, 1, out);
  }
  std::string describe() const override {
    return fmt::format("{} ({} of {} VEs)", file_.string(), count_, reader_.count());
  }

 private:
  std::filesystem::path file_;
  io::VeSetReader reader_;
  std::int64_t count_ = 0;
  mutable std::mutex mutex_;
};

class GeneratedSource final : public ml::VeSource {
 public:
  GeneratedSource(const microstructure::GeneratorParams& params, std::uint64_t seed,
                  std::int64_t first_id, std::int64_t count)
      : params_(params), seed_(seed), first_id_(first_id), count_(count) {}
  std::int64_t size() const override { return count_; }
  int edge() const override { return params_.size; }
  std::int64_t id(std::int64_t index) const override { return first_id_ + index; }
  void load(std::int64_t index, std::span<float> out) const override {
    std::lock_guard lock(mutex_);
    microstructure::generate_ve(params_, seed_, id(index), ve_);
    std::copy(ve_.euler.begin(), ve_.euler.end(), out.begin());
  }
  std::string describe() const override {
    return fmt::format("generated VEs {}..{} ({}^3, seed {})", first_id_, first_id_ + count_ - 1,
                       params_.size, seed_);
  }

 private:
  microstructure::GeneratorParams params_;
  std::uint64_t seed_;
  std::int64_t first_id_, count_;
  mutable microstructure::VolumeElement ve_;  // buffers reused from VE to VE
  mutable std::mutex mutex_;
};

class DownsampledSource final : public ml::VeSource {
 public:
  DownsampledSource(std::unique_ptr<ml::VeSource> base, int factor)
      : base_(std::move(base)), f_(factor), fine_(static_cast<std::size_t>(base_->floats_per_ve())) {
    if (f_ < 1 || base_->edge() % f_ != 0)
      throw std::invalid_argument(fmt::format("cannot downsample {}^3 voxels by {}", base_->edge(), f_));
  }
  std::int64_t size() const override { return base_->size(); }
  int edge() const override { return base_->edge() / f_; }
  std::int64_t id(std::int64_t index) const override { return base_->id(index); }
  void load(std::int64_t index, std::span<float> out) const override {
    std::lock_guard lock(mutex_);
    base_->load(index, fine_);
    const std::size_t D = static_cast<std::size_t>(base_->edge()), n = static_cast<std::size_t>(edge());
    const std::size_t f = static_cast<std::size_t>(f_);
    std::size_t k = 0;
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t z = 0; z < n; ++z)
        for (std::size_t y = 0; y < n; ++y)
          for (std::size_t x = 0; x < n; ++x) out[k++] = fine_[f * x + D * (f * y + D * (f * z + D * c))];
  }
  std::string describe() const override {
    return fmt::format("{}, 1 voxel in {} per axis ({}^3)", base_->describe(), f_, edge());
  }

 private:
  std::unique_ptr<ml::VeSource> base_;
  int f_;
  mutable std::vector<float> fine_;  // one fine VE, reused
  mutable std::mutex mutex_;
};

}  // namespace

microstructure::VolumeElement coarse_ve(const microstructure::VolumeElement& fine, int f) {
  if (f < 1 || fine.size % f != 0)
    throw std::invalid_argument(fmt::format("cannot downsample {}^3 voxels by {}", fine.size, f));
  microstructure::VolumeElement ve;
  ve.id = fine.id;
  ve.size = fine.size / f;
  ve.resolution = fine.resolution * f;
  ve.grains = fine.grains;
  const std::size_t D = static_cast<std::size_t>(fine.size), n = static_cast<std::size_t>(ve.size);
  const std::size_t F = static_cast<std::size_t>(f), nv = n * n * n, nf = D * D * D;
  ve.grain_id.resize(nv);
  ve.euler.resize(3 * nv);
  for (std::size_t z = 0; z < n; ++z)
    for (std::size_t y = 0; y < n; ++y)
      for (std::size_t x = 0; x < n; ++x) {
        const std::size_t v = x + n * (y + n * z), u = F * x + D * (F * y + D * F * z);
        ve.grain_id[v] = fine.grain_id[u];
        for (std::size_t c = 0; c < 3; ++c) ve.euler[c * nv + v] = fine.euler[c * nf + u];
      }
  return ve;
}

std::unique_ptr<ml::VeSource> make_downsampled_source(std::unique_ptr<ml::VeSource> base, int factor) {
  return std::make_unique<DownsampledSource>(std::move(base), factor);
}

std::unique_ptr<ml::VeSource> at_model_size(std::unique_ptr<ml::VeSource> base, int ve_size) {
  const int edge = base->edge();
  if (ve_size < 1 || edge == ve_size || edge % ve_size != 0) return base;
  return make_downsampled_source(std::move(base), edge / ve_size);
}

std::unique_ptr<ml::VeSource> make_ve_set_source(const std::filesystem::path& file,
                                                 std::int64_t count) {
  return std::make_unique<VeSetSource>(file, count);
}

std::unique_ptr<ml::VeSource> make_generated_source(const microstructure::GeneratorParams& params,
                                                    std::uint64_t seed, std::int64_t first_id,
                                                    std::int64_t count) {
  return std::make_unique<GeneratedSource>(params, seed, first_id, count);
}

GeneratorPreset read_preset_at_size(const std::filesystem::path& file, int ve_size,
                                    const core::Comm& world) {
  const auto cfg = core::load_config(file, world);
  const auto root = cfg.root();
  GeneratorPreset p{microstructure::parse_generator_params(root.section("generate"))};
  if (auto run = root.optional_section("run"))
    p.seed = static_cast<std::uint64_t>(run->integer("seed", 0, core::Range::non_negative()));
  p.params.resolution *= static_cast<double>(p.params.size) / ve_size;
  p.params.size = ve_size;
  return p;
}

}  // namespace mspipe::pipeline
