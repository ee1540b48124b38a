#include "io/campaign_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "io/hdf5.hpp"

namespace mspipe::io {

std::string text_digest(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a, 64 bit
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("fnv1a64:{:016x}", h);
}

std::string identity_difference(const CampaignIdentity& a, const CampaignIdentity& b) {
  std::string out;
  const auto add = [&](std::string_view what, const auto& x, const auto& y) {
    if (x == y) return;
    if (!out.empty()) out += "; ";
    out += fmt::format("{} {} vs {}", what, x, y);
  };
  const auto quoted = [](const std::string& s) { return fmt::format("\"{}\"", s); };
  add("seed", a.seed, b.seed);
  add("generator digest", a.generator_digest, b.generator_digest);
  add("fingerprint length", a.fingerprint_length, b.fingerprint_length);
  add("points", a.points, b.points);
  add("material", quoted(a.material), quoted(b.material));
  add("load case", quoted(a.load_case), quoted(b.load_case));
  add("engine", quoted(a.engine), quoted(b.engine));
  add("VAE checkpoint digest", quoted(a.vae_checkpoint_digest), quoted(b.vae_checkpoint_digest));
  return out;
}

namespace {

std::string status_names_text() {
  std::string s;
  for (std::size_t i = 0; i < kCampaignStatusNames.size(); ++i)
    s += fmt::format("{}{} {}", i ? ", " : "", i, kCampaignStatusNames[i]);
  return s;
}

void check_rows(const std::filesystem::path& path, const CampaignIdentity& id,
                const CampaignColumns& r) {
  const std::size_t n = r.size();
  const auto L = static_cast<std::size_t>(id.fingerprint_length);
  const auto p = static_cast<std::size_t>(id.points);
  const bool ok = r.status.size() == n && r.attempts.size() == n && r.iterations.size() == n &&
                  r.wall_s.size() == n && r.fingerprint.size() == n * L &&
                  r.stress.size() == n * p * 6 && r.message_offset.size() == n + 1 &&
                  id.strain.size() == p &&
                  std::uint64_t(r.message_offset.back()) == r.message.size();
  if (!ok) throw std::logic_error(path.string() + ": campaign columns of inconsistent sizes");
}

}  // namespace

namespace {

// The attributes of / (identical on every rank of a parallel file).
void write_attributes(const h5::Group& root, const CampaignIdentity& id,
                      const std::optional<ShardTag>& shard) {
  root.write_attribute("schema", shard ? kCampaignShardSchema : kCampaignSchema);
  root.write_attribute("schema_version", kCampaignSchemaVersion);
  root.write_attribute("material", id.material);
  root.write_attribute("load_case", id.load_case);
  root.write_attribute("engine", id.engine);
  root.write_attribute("generator", id.generator);
  root.write_attribute("generator_digest", id.generator_digest);
  root.write_attribute("seed", static_cast<std::int64_t>(id.seed));
  root.write_attribute("vae_checkpoint_digest", id.vae_checkpoint_digest);
  root.write_attribute("mspipe_version", id.mspipe_version);
  root.write_attribute("fingerprint_length", id.fingerprint_length);
  root.write_attribute("points", id.points);
  root.write_attribute("stress_components",
                       "sigma_11 sigma_22 sigma_33 sigma_23 sigma_13 sigma_12");
  if (shard) {
    root.write_attribute("collector", shard->collector);
    root.write_attribute("shard", shard->index);
  }
}

// Where one rank's rows go: rows [row, row + rows) of n, message bytes [byte, byte + bytes)
// of message_bytes. A serial file is one block holding everything.
struct Block {
  hsize_t row = 0, rows = 0, n = 0;
  hsize_t byte = 0, bytes = 0, message_bytes = 0;
  bool last = true;  // writes the closing entry of /message_offset
};

// The datasets of a campaign file, each rank writing its block (collective in a parallel
// file: every rank calls every write, a rank without rows with an empty block). A dataset
// of no elements is only created: the MPI-IO driver refuses a write to it, even an empty one.
void write_columns(const h5::Group& root, const CampaignIdentity& id, const CampaignColumns& r,
                   const Block& b) {
  const auto L = static_cast<hsize_t>(id.fingerprint_length);
  const auto p = static_cast<hsize_t>(id.points);
  const auto column = [&]<class T>(std::string_view name, const std::vector<T>& values,
                                   const h5::Dims& tail) {
    h5::Dims dims{b.n}, offset{b.row}, count{b.rows};
    for (const auto d : tail) dims.push_back(d), offset.push_back(0), count.push_back(d);
    auto d = root.create_dataset<T>(name, dims);
    if (b.n > 0) d.template write<T>(std::span<const T>(values), offset, count);
    return d;
  };
  column("ve_id", r.ve_id, {});
  column("fingerprint", r.fingerprint, {L});
  column("stress", r.stress, {p, 6}).write_attribute("unit", "Pa");
  root.write_dataset<double>("strain", {p}, id.strain);
  column("status", r.status, {}).write_attribute("names", status_names_text());
  column("attempts", r.attempts, {});
  column("iterations", r.iterations, {});
  column("wall_s", r.wall_s, {}).write_attribute("unit", "s");
  auto message = root.create_dataset<std::uint8_t>("message", {b.message_bytes});
  if (b.message_bytes > 0) message.write<std::uint8_t>(r.message, {b.byte}, {b.bytes});
  // Row i's start, shifted by the bytes of the blocks before; the last block also writes
  // the end (entry n).
  std::vector<std::int64_t> offsets(r.message_offset.begin(),
                                    r.message_offset.begin() + std::ptrdiff_t(b.rows + (b.last ? 1 : 0)));
  for (auto& o : offsets) o += std::int64_t(b.byte);
  auto offset = root.create_dataset<std::int64_t>("message_offset", {b.n + 1});
  offset.write<std::int64_t>(offsets, {b.row}, {hsize_t(offsets.size())});
}

}  // namespace

void write_campaign_file(const std::filesystem::path& path, const CampaignIdentity& id,
                         const CampaignColumns& r, const std::optional<ShardTag>& shard) {
  check_rows(path, id, r);
  auto file = h5::File::create(path);
  write_attributes(file.root(), id, shard);
  write_columns(file.root(), id, r,
                {.rows = r.size(), .n = r.size(), .bytes = r.message.size(),
                 .message_bytes = r.message.size()});
  file.commit();
}

void write_campaign_file(const std::filesystem::path& path, const CampaignIdentity& id,
                         const CampaignColumns& r, const core::Comm& comm) {
  check_rows(path, id, r);
  // Every rank's row and message-byte counts, so each knows where its block starts.
  const auto rows = comm.allgather<std::int64_t>(std::int64_t(r.size()));
  const auto bytes = comm.allgather<std::int64_t>(std::int64_t(r.message.size()));
  Block b;
  for (int k = 0; k < comm.size(); ++k) {
    if (k < comm.rank()) b.row += hsize_t(rows[std::size_t(k)]), b.byte += hsize_t(bytes[std::size_t(k)]);
    b.n += hsize_t(rows[std::size_t(k)]);
    b.message_bytes += hsize_t(bytes[std::size_t(k)]);
  }
  b.rows = r.size();
  b.bytes = r.message.size();
  b.last = comm.rank() == comm.size() - 1;
  auto file = h5::File::create(path, comm);
  write_attributes(file.root(), id, std::nullopt);
  write_columns(file.root(), id, r, b);
  file.commit();
}

CampaignFile read_campaign_file(const std::filesystem::path& path, bool ids_only) {
  auto file = h5::File::open(path);
  const auto& root = file.root();
  const std::string schema = root.has_attribute("schema") ? root.string_attribute("schema") : "";
  if (schema != kCampaignSchema && schema != kCampaignShardSchema)
    root.fail_in_file(
        fmt::format("not a campaign file (attribute 'schema' is neither \"{}\" nor \"{}\")",
                    kCampaignSchema, kCampaignShardSchema));
  const auto version = root.integer_attribute("schema_version");
  if (version > kCampaignSchemaVersion)
    root.fail_in_file(fmt::format("schema_version {} is newer than this program reads ({})",
                                  version, kCampaignSchemaVersion));
  CampaignFile out;
  auto& id = out.identity;
  id.material = root.string_attribute("material");
  id.load_case = root.string_attribute("load_case");
  id.engine = root.string_attribute("engine");
  id.generator = root.string_attribute("generator");
  id.generator_digest = root.string_attribute("generator_digest");
  id.seed = static_cast<std::uint64_t>(root.integer_attribute("seed"));
  id.vae_checkpoint_digest = root.string_attribute("vae_checkpoint_digest");
  id.mspipe_version = root.string_attribute("mspipe_version");
  id.fingerprint_length = root.integer_attribute("fingerprint_length");
  id.points = root.integer_attribute("points");
  if (schema == kCampaignShardSchema)
    out.shard = ShardTag{root.integer_attribute("collector"), root.integer_attribute("shard")};

  auto& r = out.rows;
  const auto ve_id = root.dataset("ve_id");
  const hsize_t n = ve_id.dims().at(0);
  const auto L = static_cast<hsize_t>(id.fingerprint_length);
  const auto p = static_cast<hsize_t>(id.points);
  const auto column = [&](std::string_view name, const h5::Dims& want, hid_t type) {
    auto d = root.dataset(name);
    if (d.dims() != want)
      d.fail(fmt::format("expected shape ({}), found ({})", fmt::join(want, ", "),
                         fmt::join(d.dims(), ", ")));
    if (!d.stores(type)) d.fail("stored with another element type");
    return d;
  };
  r.ve_id = ve_id.read_all<std::int64_t>();
  r.status = column("status", {n}, H5T_NATIVE_INT8).read_all<std::int8_t>();
  r.attempts = column("attempts", {n}, H5T_NATIVE_INT32).read_all<std::int32_t>();
  if (ids_only) return out;
  id.strain = column("strain", {p}, H5T_NATIVE_DOUBLE).read_all<double>();
  r.iterations = column("iterations", {n}, H5T_NATIVE_INT64).read_all<std::int64_t>();
  r.wall_s = column("wall_s", {n}, H5T_NATIVE_DOUBLE).read_all<double>();
  r.fingerprint = column("fingerprint", {n, L}, H5T_NATIVE_FLOAT).read_all<float>();
  r.stress = column("stress", {n, p, 6}, H5T_NATIVE_DOUBLE).read_all<double>();
  r.message = root.dataset("message").read_all<std::uint8_t>();
  r.message_offset = column("message_offset", {n + 1}, H5T_NATIVE_INT64).read_all<std::int64_t>();
  for (std::size_t i = 0; i < n; ++i)
    if (r.message_offset[i] > r.message_offset[i + 1] ||
        std::uint64_t(r.message_offset[i + 1]) > r.message.size())
      root.fail_in_file(
          fmt::format("/message_offset is not a valid index into /message at row {}", i));
  if (r.message_offset[0] != 0) root.fail_in_file("/message_offset does not start at 0");
  return out;
}

}  // namespace mspipe::io
