#include "ml/vae_tasks.hpp"

#include <fmt/core.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <tuple>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "io/hdf5.hpp"
#include "io/vti.hpp"
#include "ml/checkpoint.hpp"
#include "ml/evaluation.hpp"
#include "ml/loss.hpp"
#include "ml/phi4.hpp"

namespace mspipe::ml {

namespace {

constexpr const char* kFingerprintSchema = "mspipe.fingerprints";
constexpr std::int64_t kFingerprintSchemaVersion = 1;

// Rows [first, first + n) of `total` that rank r of `comm` owns: contiguous blocks in
// rank order, so collective writes need no reordering.
std::pair<std::int64_t, std::int64_t> my_block(const core::Comm& comm, std::int64_t total) {
  const std::int64_t first = total * comm.rank() / comm.size();
  return {first, total * (comm.rank() + 1) / comm.size() - first};
}

// Every rank loads the model (a shared file system is assumed, as for the VE set).
Vae load_for_use(const core::Comm& comm, const UseOptions& use) {
  core::set_threads(use.threads);
  at::set_num_threads(use.threads);
  std::optional<Vae> model;
  core::collective(comm, [&] { model.emplace(load_model(use.checkpoint)); });
  return *model;
}

void check_size(const Vae& model, const VeSource& source, const UseOptions& use) {
  if (model->options().ve_size != source.edge())
    throw core::InputError(core::format_error(
        use.checkpoint.string(), fmt::format("the model takes {}^3 VEs, {} has {}^3", model->options().ve_size,
                                             source.describe(), source.edge())));
}

std::string model_words(const ModelOptions& m) {
  return fmt::format("{}, width {}, latent {}, hidden {}, {}^3, {} norm", m.architecture(), m.width, m.latent,
                     m.hidden, m.ve_size, m.norm == Norm::batch ? "batch" : "group");
}

}  // namespace

std::string file_digest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw core::InputError(core::format_error(file.string(), "cannot read"));
  std::uint64_t h = 1469598103934665603ull;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      h ^= static_cast<unsigned char>(buf[static_cast<std::size_t>(i)]);
      h *= 1099511628211ull;
    }
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

std::string describe_checkpoint(const std::filesystem::path& checkpoint) {
  const auto c = read_checkpoint_header(checkpoint);
  return fmt::format("{} (epoch {}, step {})", model_words(c.model), c.position.epoch, c.position.global_step);
}

std::int64_t encode_set(const core::Comm& comm, const UseOptions& use, const VeSource& source,
                        const std::filesystem::path& out) {
  auto model = load_for_use(comm, use);
  check_size(model, source, use);
  torch::NoGradGuard no_grad;
  const std::int64_t n = source.size();
  const int latent = model->options().latent;
  const auto [first, mine] = my_block(comm, n);
  std::vector<std::int64_t> ids(static_cast<std::size_t>(mine));
  std::vector<float> mu(static_cast<std::size_t>(mine * latent));
  core::Progress progress("vae encode", mine, 10.0);
  for (std::int64_t b0 = 0; b0 < mine; b0 += use.batch) {
    const std::int64_t b1 = std::min(mine, b0 + use.batch);
    std::vector<std::int64_t> idx;
    for (std::int64_t i = b0; i < b1; ++i) idx.push_back(first + i), ids[i] = source.id(first + i);
    const auto m = model->encoder(load_batch(source, idx)).first.contiguous();
    std::copy(m.data_ptr<float>(), m.data_ptr<float>() + m.numel(), mu.begin() + b0 * latent);
    progress.update(b1);
  }
  progress.finish();
  std::string digest;
  if (comm.rank() == 0) digest = file_digest(use.checkpoint);
  comm.bcast(digest);
  auto file = io::h5::File::create(out, comm);
  const auto& root = file.root();
  root.write_attribute("schema", kFingerprintSchema);
  root.write_attribute("schema_version", kFingerprintSchemaVersion);
  root.write_attribute("model", describe_model_options(model->options()));
  root.write_attribute("checkpoint", use.checkpoint.string());
  root.write_attribute("checkpoint_digest", digest);
  const auto un = static_cast<hsize_t>(n), uf = static_cast<hsize_t>(first), um = static_cast<hsize_t>(mine);
  root.create_dataset<std::int64_t>("ve_id", {un}).write(std::span<const std::int64_t>(ids), {uf}, {um});
  root.create_dataset<float>("fingerprint", {un, static_cast<hsize_t>(latent)})
      .write(std::span<const float>(mu), {uf, 0}, {um, static_cast<hsize_t>(latent)});
  file.commit();
  core::log::info("vae encode: {} fingerprints of {} values -> {}", n, latent, out.string());
  return n;
}

SetEvaluation evaluate_set(const core::Comm& comm, const UseOptions& use, const VeSource& source,
                           const LossOptions& loss) {
  auto model = load_for_use(comm, use);
  check_size(model, source, use);
  torch::NoGradGuard no_grad;
  const std::int64_t n = source.size();
  const auto [first, mine] = my_block(comm, n);
  std::vector<double> phi4(static_cast<std::size_t>(n), 0.0), baseline(static_cast<std::size_t>(n), 0.0);
  std::array<double, 3> sums{};  // bce, spectral, total, weighted by VEs
  std::array<double, 3> channel_sums{};
  const auto batch_of = [&](std::int64_t b0, std::int64_t b1) {
    std::vector<std::int64_t> idx;
    for (std::int64_t i = b0; i < b1; ++i) idx.push_back(first + i);
    return load_batch(source, idx);
  };
  core::Progress progress("vae eval", mine, 10.0);
  for (std::int64_t b0 = 0; b0 < mine; b0 += use.batch) {
    const std::int64_t b1 = std::min(mine, b0 + use.batch);
    const auto x = batch_of(b0, b1);
    const auto out = model->forward(x);
    const auto t = vae_loss(out, x, loss);
    const double w = static_cast<double>(b1 - b0);
    sums[0] += w * t.bce.item<double>(), sums[1] += w * t.spectral.item<double>(), sums[2] += w * t.total.item<double>();
    const auto v = phi4_per_ve(out.x_hat, x);
    for (std::int64_t i = b0; i < b1; ++i) phi4[first + i] = v[i - b0].item<double>();
    const auto c = x.to(torch::kFloat64).mean({2, 3, 4}).sum(0);
    for (int k = 0; k < 3; ++k) channel_sums[k] += c[k].item<double>();
    progress.update(b1);
  }
  progress.finish();
  comm.allreduce_inplace(std::span<double>(channel_sums), MPI_SUM);
  const auto mean_angles = torch::tensor({channel_sums[0] / n, channel_sums[1] / n, channel_sums[2] / n},
                                         torch::kFloat32).view({1, 3, 1, 1, 1});
  for (std::int64_t b0 = 0; b0 < mine; b0 += use.batch) {  // second pass: the input-blind reference
    const std::int64_t b1 = std::min(mine, b0 + use.batch);
    const auto x = batch_of(b0, b1);
    const auto v = phi4_per_ve(mean_angles.expand_as(x).contiguous(), x);
    for (std::int64_t i = b0; i < b1; ++i) baseline[first + i] = v[i - b0].item<double>();
  }
  comm.allreduce_inplace(std::span<double>(phi4), MPI_SUM);
  comm.allreduce_inplace(std::span<double>(baseline), MPI_SUM);
  comm.allreduce_inplace(std::span<double>(sums), MPI_SUM);
  SetEvaluation e;
  e.model = model->options().architecture();
  e.latent = model->options().latent;
  e.count = n;
  const auto mean_std = [n](const std::vector<double>& values) {
    double s = 0, s2 = 0;
    for (double v : values) s += v, s2 += v * v;
    const double m = s / n;
    return std::pair{m, std::sqrt(std::max(0.0, s2 / n - m * m))};
  };
  std::tie(e.phi4_mean, e.phi4_std) = mean_std(phi4);
  std::tie(e.phi4_mean_baseline, e.phi4_std_baseline) = mean_std(baseline);
  e.bce = sums[0] / n, e.spectral = sums[1] / n, e.total = sums[2] / n;
  if (comm.rank() == 0) e.phi4_per_ve = std::move(phi4);
  return e;
}

std::string table_row(const SetEvaluation& e) {
  return fmt::format("| {} | {} | {:.4f} ± {:.4f} | {} |", e.model, e.latent, e.phi4_mean, e.phi4_std, e.count);
}

void reconstruct_set(const core::Comm& comm, const UseOptions& use, const VeSource& source,
                     const std::vector<std::int64_t>& indices, const std::filesystem::path& out,
                     const std::filesystem::path& vti_dir) {
  auto model = load_for_use(comm, use);
  check_size(model, source, use);
  for (auto i : indices)
    if (i < 0 || i >= source.size())
      throw core::InputError(fmt::format("{}: error: VE index {} is outside 0..{}", source.describe(), i,
                                         source.size() - 1));
  torch::NoGradGuard no_grad;
  const auto n = static_cast<std::int64_t>(indices.size());
  const auto [first, mine] = my_block(comm, n);
  const std::int64_t per = source.floats_per_ve();
  const int d = source.edge();
  std::vector<std::int64_t> mine_idx(indices.begin() + first, indices.begin() + first + mine), ids;
  for (auto i : mine_idx) ids.push_back(source.id(i));
  auto x = mine > 0 ? load_batch(source, mine_idx) : torch::zeros({0, 3, d, d, d});
  auto x_hat = mine > 0 ? model->forward(x).x_hat.contiguous() : torch::zeros_like(x);
  auto phi4 = mine > 0 ? phi4_per_ve(x_hat, x).to(torch::kFloat64).contiguous() : torch::zeros({0}, torch::kFloat64);

  auto file = io::h5::File::create(out, comm);
  const auto& root = file.root();
  root.write_attribute("model", describe_model_options(model->options()));
  root.write_attribute("checkpoint", use.checkpoint.string());
  const auto un = static_cast<hsize_t>(n), uf = static_cast<hsize_t>(first), um = static_cast<hsize_t>(mine);
  const auto ud = static_cast<hsize_t>(d);
  root.create_dataset<std::int64_t>("ve_id", {un}).write(std::span<const std::int64_t>(ids), {uf}, {um});
  root.create_dataset<double>("phi4", {un})
      .write(std::span<const double>(phi4.data_ptr<double>(), static_cast<std::size_t>(mine)), {uf}, {um});
  const auto write_field = [&](const char* group, const torch::Tensor& t) {
    root.create_group(group)
        .create_dataset<float>("euler", {un, 3, ud, ud, ud})
        .write(std::span<const float>(t.data_ptr<float>(), static_cast<std::size_t>(mine * per)), {uf, 0, 0, 0, 0},
               {um, 3, ud, ud, ud});
  };
  write_field("input", x);
  write_field("reconstruction", x_hat);
  file.commit();

  if (!vti_dir.empty()) {
    core::collective(comm, [&] {
      std::error_code ec;
      std::filesystem::create_directories(vti_dir, ec);
      if (ec) throw core::InputError(core::format_error(vti_dir.string(), "cannot create directory"));
    });
    const std::int64_t v = per / 3;
    for (std::int64_t k = 0; k < mine; ++k) {
      io::vti::ImageData img;
      img.cells = {d, d, d};
      std::vector<float> in(3 * v), rec(3 * v), err(v);
      const float* xi = x[k].data_ptr<float>();
      const float* ri = x_hat[k].data_ptr<float>();
      for (std::int64_t c = 0; c < 3; ++c)
        for (std::int64_t i = 0; i < v; ++i) in[3 * i + c] = xi[c * v + i], rec[3 * i + c] = ri[c * v + i];
      // Voxelwise phi4 = 1 - |q1 . q2|, to see where the reconstruction fails.
      const auto q1 = quaternions_from_normalised_euler(x[k].flatten(1).t());
      const auto q2 = quaternions_from_normalised_euler(x_hat[k].flatten(1).t());
      const auto e = (1.0 - (q1 * q2).sum(-1).abs()).to(torch::kFloat32).contiguous();
      std::copy(e.data_ptr<float>(), e.data_ptr<float>() + v, err.begin());
      img.cell_data.push_back({"euler_normalised", 3, std::move(in)});
      img.cell_data.push_back({"euler_reconstructed", 3, std::move(rec)});
      img.cell_data.push_back({"phi4", 1, std::move(err)});
      io::vti::write(vti_dir / fmt::format("ve_{}_reconstruction.vti", ids[k]), img);
    }
  }
  core::log::info("vae reconstruct: {} VEs -> {}{}", n, out.string(),
                  vti_dir.empty() ? std::string() : ", " + vti_dir.string());
}

}  // namespace mspipe::ml
