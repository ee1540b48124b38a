// The surrogate model file (schema "mspipe.surrogate" version 1): one LibTorch archive
// holding every member's weights, the input standardisation, the min-max scaling of the
// curves, the options and what the model was trained on.
#include <fmt/core.h>

#include "core/errors.hpp"
#include "ml/surrogate.hpp"
#include "ml/surrogate_network.hpp"

namespace mspipe::ml {

namespace {
constexpr const char* kSchema = "mspipe.surrogate";
constexpr std::int64_t kSchemaVersion = 1;

std::string read_string(torch::serialize::InputArchive& in, const char* key) {
  c10::IValue v;
  in.read(key, v);
  return v.toStringRef();
}
std::int64_t read_int(torch::serialize::InputArchive& in, const char* key) {
  c10::IValue v;
  in.read(key, v);
  return v.toInt();
}
}  // namespace

void Surrogate::save(const std::filesystem::path& file) const {
  const auto& m = *impl_;
  torch::serialize::OutputArchive root;
  root.write("schema", c10::IValue(std::string(kSchema)));
  root.write("schema_version", c10::IValue(kSchemaVersion));
  root.write("options", c10::IValue(describe_options(m.options)));
  root.write("material", c10::IValue(m.meta.material));
  root.write("load_case", c10::IValue(m.meta.load_case));
  root.write("input_kind", c10::IValue(m.meta.input_kind));
  root.write("campaign_digest", c10::IValue(m.meta.campaign_digest));
  root.write("inputs", c10::IValue(m.meta.inputs));
  root.write("points", c10::IValue(m.meta.points));
  root.write("strain", torch::tensor(m.meta.strain.empty() ? std::vector<double>{0.0} : m.meta.strain,
                                     torch::kFloat64));
  root.write("has_strain", c10::IValue(static_cast<std::int64_t>(!m.meta.strain.empty())));
  root.write("x_mean", m.x_mean);
  root.write("x_scale", m.x_scale);
  root.write("y_range", torch::tensor({m.y_min, m.y_max}, torch::kFloat64));
  root.write("members", c10::IValue(static_cast<std::int64_t>(m.members.size())));
  for (std::size_t k = 0; k < m.members.size(); ++k) {
    torch::serialize::OutputArchive a;
    m.members[k]->save(a);
    root.write("member_" + std::to_string(k), a);
  }
  auto tmp = file;
  tmp += ".tmp";
  try {
    root.save_to(tmp.string());
    std::filesystem::rename(tmp, file);
  } catch (const std::exception& e) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw core::InputError(core::format_error(file.string(), fmt::format("cannot write the surrogate model: {}", e.what())));
  }
}

Surrogate Surrogate::load(const std::filesystem::path& file) {
  torch::serialize::InputArchive in;
  try {
    in.load_from(file.string());
  } catch (const std::exception&) {
    throw core::InputError(core::format_error(file.string(), "cannot read surrogate model"));
  }
  Surrogate s;
  auto& m = *s.impl_;
  try {
    if (read_string(in, "schema") != kSchema) throw std::runtime_error("schema");
    const auto version = read_int(in, "schema_version");
    if (version != kSchemaVersion)
      throw core::InputError(core::format_error(file.string(), fmt::format("unsupported surrogate schema version {}", version)));
    m.options = parse_options(read_string(in, "options"));
    m.meta.material = read_string(in, "material");
    m.meta.load_case = read_string(in, "load_case");
    m.meta.input_kind = read_string(in, "input_kind");
    m.meta.campaign_digest = read_string(in, "campaign_digest");
    m.meta.inputs = read_int(in, "inputs");
    m.meta.points = read_int(in, "points");
    torch::Tensor strain, range;
    in.read("strain", strain);
    if (read_int(in, "has_strain"))
      m.meta.strain.assign(strain.data_ptr<double>(), strain.data_ptr<double>() + strain.numel());
    in.read("x_mean", m.x_mean);
    in.read("x_scale", m.x_scale);
    in.read("y_range", range);
    m.y_min = range[0].item<double>();
    m.y_max = range[1].item<double>();
    const auto k = read_int(in, "members");
    for (std::int64_t i = 0; i < k; ++i) {
      auto net = build_surrogate_network(m.options.network, m.meta.inputs, m.meta.points);
      torch::serialize::InputArchive a;
      in.read("member_" + std::to_string(i), a);
      net->load(a);
      net->eval();
      m.members.push_back(net);
    }
    if (m.members.empty() || m.x_mean.numel() != m.meta.inputs) throw std::runtime_error("shape");
    m.make_plain();
  } catch (const core::InputError&) {
    throw;
  } catch (const std::exception&) {
    throw core::InputError(core::format_error(file.string(), "not a surrogate model of this version"));
  }
  return s;
}

}  // namespace mspipe::ml
