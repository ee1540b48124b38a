#include "io/cp_increments.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "io/hdf5.hpp"
#include "io/schema.hpp"

namespace mspipe::io {

void write_cp_increments(const std::filesystem::path& path, const CpIncrementTable& t) {
  const std::size_t n = t.count();
  const auto check = [n](const char* name, std::size_t have, std::size_t per_increment) {
    if (have != per_increment * n)
      throw std::invalid_argument(
          fmt::format("write_cp_increments: {} has {} values, {} increments need {}", name, have, n,
                      per_increment * n));
  };
  check("iterations", t.iterations.size(), 1);
  check("increment_converged", t.increment_converged.size(), 1);
  check("time", t.time.size(), 1);
  check("F", t.F.size(), 9);
  check("P", t.P.size(), 9);
  check("sigma", t.sigma.size(), 9);
  auto f = h5::File::create(path);
  const auto& root = f.root();
  write_schema(root, kCpIncrementsSchema, kCpIncrementsSchemaVersion);
  root.write_attribute("solver", t.solver);
  root.write_attribute("status", t.converged ? "converged" : "not converged");
  root.write_attribute("wall_s", t.wall_s);
  root.write_attribute("cells", std::span<const std::int64_t>(t.cells));
  root.write_attribute("size_m", std::span<const double>(t.size_m));
  const h5::Dims d1{n}, d3{n, 3, 3};
  root.write_dataset<std::int64_t>("increment", d1, t.increment);
  root.write_dataset<double>("time", d1, t.time);
  root.write_dataset<std::int64_t>("iterations", d1, t.iterations);
  root.write_dataset<std::int8_t>("converged", d1, t.increment_converged);
  root.write_dataset<double>("F", d3, t.F);
  root.write_dataset<double>("P", d3, t.P);
  root.write_dataset<double>("sigma", d3, t.sigma).write_attribute("unit", "Pa");
  f.commit();
}

CpIncrementTable read_cp_increments(const std::filesystem::path& path) {
  const auto f = open_schema_file(path, kCpIncrementsSchema, kCpIncrementsSchemaVersion,
                                  "a CP result of one simulation");
  const auto& root = f.root();
  CpIncrementTable t;
  t.solver = root.string_attribute("solver");
  t.converged = root.string_attribute("status") == "converged";
  t.wall_s = root.number_attribute("wall_s");
  const auto cells = root.numbers_attribute("cells"), size = root.numbers_attribute("size_m");
  if (cells.size() != 3 || size.size() != 3)
    root.fail("attributes cells and size_m need 3 values each");
  for (int k = 0; k < 3; ++k)
    t.cells[k] = static_cast<std::int64_t>(cells[k]), t.size_m[k] = size[k];
  t.increment = root.dataset("increment").read_all<std::int64_t>();
  const h5::Dims d1{t.count()}, d3{t.count(), 3, 3};
  const auto increments = fmt::format("{} increments", t.count());
  const auto column = [&](const char* name, const h5::Dims& want) {
    return dataset_with_dims(root, name, want, increments);
  };
  t.time = column("time", d1).read_all<double>();
  t.iterations = column("iterations", d1).read_all<std::int64_t>();
  t.increment_converged = column("converged", d1).read_all<std::int8_t>();
  t.F = column("F", d3).read_all<double>();
  t.P = column("P", d3).read_all<double>();
  t.sigma = column("sigma", d3).read_all<double>();
  return t;
}

}  // namespace mspipe::io
