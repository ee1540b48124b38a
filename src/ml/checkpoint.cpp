#include "ml/checkpoint.hpp"

#include "core/errors.hpp"

namespace mspipe::ml {

namespace {
constexpr std::int64_t kSchemaVersion = 1;

torch::serialize::InputArchive open(const std::filesystem::path& file) {
  torch::serialize::InputArchive in;
  try {
    in.load_from(file.string());
  } catch (const std::exception& e) {
    throw core::InputError(core::format_error(file.string(), "cannot read VAE checkpoint"));
  }
  return in;
}
}  // namespace

void save_checkpoint(const std::filesystem::path& file, Vae& model, const FusedAdam* optimizer,
                     const Checkpoint& c) {
  torch::serialize::OutputArchive root, model_archive, optimizer_archive;
  model->save(model_archive);
  root.write("model", model_archive);
  if (optimizer) {
    optimizer->save(optimizer_archive);
    root.write("optimizer", optimizer_archive);
  }
  root.write("schema_version", c10::IValue(kSchemaVersion));
  root.write("model_options", c10::IValue(describe_model_options(c.model)));
  const auto& p = c.position;
  root.write("position", torch::tensor({p.epoch, p.step_in_epoch, p.global_step, static_cast<std::int64_t>(p.seed)},
                                       torch::kInt64));
  const auto& s = c.epoch_sums;
  const std::vector<double> sums{s.bce, s.spectral, s.kl, s.total, s.steps, s.texture};
  root.write("epoch_sums", torch::tensor(sums, torch::kFloat64));
  root.write("epoch_sums_count", c10::IValue(static_cast<std::int64_t>(sums.size())));
  root.write("metrics_csv", c10::IValue(c.metrics_csv));
  auto tmp = file;
  tmp += ".tmp";
  root.save_to(tmp.string());
  std::filesystem::rename(tmp, file);
}

Checkpoint read_checkpoint_header(const std::filesystem::path& file) {
  auto in = open(file);
  Checkpoint c;
  try {
    c10::IValue v;
    in.read("schema_version", v);
    if (v.toInt() != kSchemaVersion)
      throw core::InputError(core::format_error(file.string(), "unsupported checkpoint schema version " +
                                                                   std::to_string(v.toInt())));
    in.read("model_options", v);
    c.model = parse_model_options(v.toStringRef());
    torch::Tensor pos, sums;
    in.read("position", pos);
    c.position = {pos[0].item<std::int64_t>(), pos[1].item<std::int64_t>(), pos[2].item<std::int64_t>(),
                  static_cast<std::uint64_t>(pos[3].item<std::int64_t>())};
    in.read("epoch_sums", sums);
    in.read("epoch_sums_count", v);
    // Five sums before the texture term, six since.
    if ((v.toInt() != 5 && v.toInt() != 6) || sums.numel() != v.toInt()) throw std::runtime_error("epoch_sums");
    const double* s = sums.data_ptr<double>();
    c.epoch_sums = {s[0], s[1], s[2], s[3], s[4], sums.numel() == 6 ? s[5] : 0.0};
    in.read("metrics_csv", v);
    c.metrics_csv = v.toStringRef();
  } catch (const core::InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw core::InputError(core::format_error(file.string(), "not a VAE checkpoint of this version"));
  }
  return c;
}

void load_checkpoint_state(const std::filesystem::path& file, Vae& model) {
  auto in = open(file);
  try {
    torch::serialize::InputArchive model_archive;
    in.read("model", model_archive);
    model->load(model_archive);
  } catch (const std::exception& e) {
    throw core::InputError(core::format_error(file.string(), "checkpoint does not match the model"));
  }
}

void load_optimizer_state(const std::filesystem::path& file, FusedAdam& optimizer) {
  auto in = open(file);
  try {
    torch::serialize::InputArchive optimizer_archive;
    in.read("optimizer", optimizer_archive);
    optimizer.load(optimizer_archive);
  } catch (const std::exception& e) {
    throw core::InputError(core::format_error(file.string(), "checkpoint holds no matching optimiser state"));
  }
}

Vae load_model(const std::filesystem::path& file) {
  const auto header = read_checkpoint_header(file);
  Vae model(header.model);
  load_checkpoint_state(file, model);
  model->eval();
  return model;
}

}  // namespace mspipe::ml
