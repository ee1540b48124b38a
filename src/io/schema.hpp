#pragma once
// Every mspipe HDF5 file names its schema and version in two attributes of its root group
// ("schema", "schema_version"); readers refuse other files and newer versions.
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "io/hdf5.hpp"

namespace mspipe::io {

void write_schema(const h5::Group& root, std::string_view schema, std::int64_t version);
// An InputError naming the file unless it holds `schema` at a version up to `version`;
// `what` names the kind of file in the message ("a VE set").
void check_schema(const h5::Group& root, std::string_view schema, std::int64_t version,
                  std::string_view what);
// Opens `path` for reading and checks its schema before anything else is touched.
h5::File open_schema_file(const std::filesystem::path& path, std::string_view schema,
                          std::int64_t version, std::string_view what);
// The dataset `name` of `group`; an InputError naming it unless its dimensions are `dims`
// ("has the wrong shape for <context>").
h5::Dataset dataset_with_dims(const h5::Group& group, std::string_view name, const h5::Dims& dims,
                              std::string_view context);

}  // namespace mspipe::io
