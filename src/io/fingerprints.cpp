#include "io/fingerprints.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "io/hdf5.hpp"
#include "io/schema.hpp"

namespace mspipe::io {

namespace {

void write_to(h5::File file, const Fingerprints& rows) {
  const std::size_t mine = rows.ve_id.size();
  if (rows.fingerprint.size() != mine * static_cast<std::size_t>(rows.latent))
    throw std::invalid_argument(fmt::format("write_fingerprints: {} ids but {} values of latent {}",
                                            mine, rows.fingerprint.size(), rows.latent));
  const auto& root = file.root();
  write_schema(root, kFingerprintSchema, kFingerprintSchemaVersion);
  root.write_attribute("model", rows.model);
  root.write_attribute("checkpoint", rows.checkpoint);
  root.write_attribute("checkpoint_digest", rows.checkpoint_digest);
  const auto n = static_cast<hsize_t>(rows.total), first = static_cast<hsize_t>(rows.first);
  const auto m = static_cast<hsize_t>(mine), latent = static_cast<hsize_t>(rows.latent);
  root.create_dataset<std::int64_t>("ve_id", {n})
      .write(std::span<const std::int64_t>(rows.ve_id), {first}, {m});
  root.create_dataset<float>("fingerprint", {n, latent})
      .write(std::span<const float>(rows.fingerprint), {first, 0}, {m, latent});
  file.commit();
}

}  // namespace

void write_fingerprints(const std::filesystem::path& path, const Fingerprints& rows) {
  write_to(h5::File::create(path), rows);
}

void write_fingerprints(const std::filesystem::path& path, const Fingerprints& rows,
                        const core::Comm& comm) {
  write_to(h5::File::create(path, comm), rows);
}

Fingerprints read_fingerprints(const std::filesystem::path& path) {
  const auto file =
      open_schema_file(path, kFingerprintSchema, kFingerprintSchemaVersion, "a fingerprint file");
  const auto& root = file.root();
  Fingerprints rows;
  rows.model = root.string_attribute("model");
  rows.checkpoint = root.string_attribute("checkpoint");
  rows.checkpoint_digest = root.string_attribute("checkpoint_digest");
  const auto ids = root.dataset("ve_id");
  const auto fp = root.dataset("fingerprint");
  const auto dims = fp.dims();
  if (dims.size() != 2 || ids.dims() != h5::Dims{dims[0]})
    fp.fail(fmt::format("expected ({}, latent) values beside /ve_id",
                        ids.dims().empty() ? 0 : ids.dims()[0]));
  rows.total = static_cast<std::int64_t>(dims[0]);
  rows.latent = static_cast<int>(dims[1]);
  rows.ve_id = ids.read_all<std::int64_t>();
  rows.fingerprint = fp.read_all<float>();
  return rows;
}

}  // namespace mspipe::io
