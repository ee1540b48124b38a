#include "io/cp_results.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "io/hdf5.hpp"
#include "io/schema.hpp"

namespace mspipe::io {

namespace {

constexpr const char* kStressComponents = "sigma_11 sigma_22 sigma_33 sigma_23 sigma_13 sigma_12";

void check_lengths(const CpResultTable& t) {
  const auto n = static_cast<std::size_t>(t.count()), p = static_cast<std::size_t>(t.points);
  const auto bad = [&](const char* column, std::size_t have, std::size_t want) {
    if (have != want)
      throw std::invalid_argument(
          fmt::format("write_cp_results: {} has {} values, {} VEs x {} points need {}", column,
                      have, n, p, want));
  };
  bad("stress", t.stress.size(), n * p * 6);
  bad("strain", t.strain.size(), p);
  bad("status", t.status.size(), n);
  bad("iterations", t.iterations.size(), n);
  bad("wall_s", t.wall_s.size(), n);
}

}  // namespace

void write_cp_results(const std::filesystem::path& path, const CpResultTable& t) {
  check_lengths(t);
  auto f = h5::File::create(path);
  const auto& root = f.root();
  write_schema(root, kCpResultsSchema, kCpResultsSchemaVersion);
  root.write_attribute("material", t.material);
  root.write_attribute("stress_components", kStressComponents);
  const auto n = static_cast<hsize_t>(t.count()), p = static_cast<hsize_t>(t.points);
  std::vector<std::int8_t> status(t.status.size());
  for (std::size_t i = 0; i < status.size(); ++i) status[i] = static_cast<std::int8_t>(t.status[i]);
  root.write_dataset<std::int64_t>("ve_id", {n}, t.ve_id);
  root.write_dataset<double>("stress", {n, p, 6}, t.stress).write_attribute("unit", "Pa");
  root.write_dataset<double>("strain", {p}, t.strain);
  root.write_dataset<std::int8_t>("status", {n}, status);
  root.write_dataset<std::int64_t>("iterations", {n}, t.iterations);
  root.write_dataset<double>("wall_s", {n}, t.wall_s);
  f.commit();
}

CpResultTable read_cp_results(const std::filesystem::path& path) {
  const auto f =
      open_schema_file(path, kCpResultsSchema, kCpResultsSchemaVersion, "a CP result file");
  const auto& root = f.root();
  CpResultTable t;
  t.material = root.string_attribute("material");
  const auto stress = root.dataset("stress");
  const auto dims = stress.dims();
  if (dims.size() != 3 || dims[2] != 6) stress.fail("expected (VEs, points, 6) values");
  const auto context = fmt::format("{} VEs and {} points", dims[0], dims[1]);
  const auto column = [&](const char* name, const h5::Dims& want) {
    return dataset_with_dims(root, name, want, context);
  };
  t.points = static_cast<int>(dims[1]);
  t.stress = stress.read_all<double>();
  t.ve_id = column("ve_id", {dims[0]}).read_all<std::int64_t>();
  t.strain = column("strain", {dims[1]}).read_all<double>();
  for (auto s : column("status", {dims[0]}).read_all<std::int8_t>())
    t.status.push_back(static_cast<CpStatus>(s));
  t.iterations = column("iterations", {dims[0]}).read_all<std::int64_t>();
  t.wall_s = column("wall_s", {dims[0]}).read_all<double>();
  return t;
}

}  // namespace mspipe::io
