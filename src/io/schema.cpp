#include "io/schema.hpp"

#include <fmt/core.h>

namespace mspipe::io {

void write_schema(const h5::Group& root, std::string_view schema, std::int64_t version) {
  root.write_attribute("schema", schema);
  root.write_attribute("schema_version", version);
}

void check_schema(const h5::Group& root, std::string_view schema, std::int64_t version,
                  std::string_view what) {
  if (!root.has_attribute("schema") || root.string_attribute("schema") != schema)
    root.fail_in_file(fmt::format("not {} (attribute 'schema' is not \"{}\")", what, schema));
  const auto stored = root.integer_attribute("schema_version");
  if (stored > version)
    root.fail_in_file(
        fmt::format("schema_version {} is newer than this program reads ({})", stored, version));
}

h5::File open_schema_file(const std::filesystem::path& path, std::string_view schema,
                          std::int64_t version, std::string_view what) {
  auto file = h5::File::open(path);
  check_schema(file.root(), schema, version, what);
  return file;
}

h5::Dataset dataset_with_dims(const h5::Group& group, std::string_view name, const h5::Dims& dims,
                              std::string_view context) {
  auto d = group.dataset(name);
  if (d.dims() != dims) d.fail(fmt::format("has the wrong shape for {}", context));
  return d;
}

}  // namespace mspipe::io
