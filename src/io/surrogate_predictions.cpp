#include "io/surrogate_predictions.hpp"

#include "io/hdf5.hpp"
#include "io/schema.hpp"

namespace mspipe::io {

void write_surrogate_predictions(const std::filesystem::path& path, const SurrogatePredictions& p) {
  auto file = h5::File::create(path);
  const auto& root = file.root();
  write_schema(root, kSurrogatePredictionSchema, kSurrogatePredictionSchemaVersion);
  root.write_attribute("model", p.model);
  root.write_attribute("material", p.material);
  root.write_attribute("load_case", p.load_case);
  root.write_attribute("campaign_digest", p.campaign_digest);
  const auto n = static_cast<hsize_t>(p.ve_id.size()), P = static_cast<hsize_t>(p.points);
  root.write_dataset<std::int64_t>("ve_id", {n}, p.ve_id);
  root.write_dataset<double>("stress_mpa", {n, P}, p.stress_mpa).write_attribute("unit", "MPa");
  root.write_dataset<double>("stress_std_mpa", {n, P}, p.stress_std_mpa).write_attribute("unit", "MPa");
  root.write_dataset<double>("strain", {static_cast<hsize_t>(p.strain.size())}, p.strain);
  file.commit();
}

SurrogatePredictions read_surrogate_predictions(const std::filesystem::path& path) {
  const auto file = open_schema_file(path, kSurrogatePredictionSchema, kSurrogatePredictionSchemaVersion,
                                     "a surrogate prediction file");
  const auto& root = file.root();
  SurrogatePredictions p;
  p.model = root.string_attribute("model");
  p.material = root.string_attribute("material");
  p.load_case = root.string_attribute("load_case");
  p.campaign_digest = root.string_attribute("campaign_digest");
  p.ve_id = root.dataset("ve_id").read_all<std::int64_t>();
  const auto s = root.dataset("stress_mpa");
  p.points = s.dims().size() == 2 ? static_cast<std::int64_t>(s.dims()[1]) : 0;
  p.stress_mpa = s.read_all<double>();
  p.stress_std_mpa = root.dataset("stress_std_mpa").read_all<double>();
  p.strain = root.dataset("strain").read_all<double>();
  return p;
}

}  // namespace mspipe::io
