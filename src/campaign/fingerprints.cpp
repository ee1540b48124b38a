#include "campaign/fingerprints.hpp"

#include <algorithm>

#include "campaign/bytes.hpp"
#include "campaign/state.hpp"

namespace mspipe::campaign {

Identity fingerprint_identity(const Identity& id) {
  Identity f = id;
  f.points = 1;
  f.strain = {0.0};
  return complete(f);
}

Record fingerprint_record(std::int64_t ve_id, std::vector<float> values,
                          const std::string& checkpoint_digest, double wall_s) {
  Record r;
  r.ve_id = ve_id;
  r.status = Status::converged;
  r.attempts = 1;
  r.wall_s = wall_s;
  r.message = checkpoint_digest;
  r.fingerprint = std::move(values);
  r.stress.assign(6, 0.0);
  return r;
}

std::ptrdiff_t Fingerprints::find(std::int64_t ve_id) const {
  const auto it = std::lower_bound(ids.begin(), ids.end(), ve_id);
  return it != ids.end() && *it == ve_id ? it - ids.begin() : -1;
}

Fingerprints read_fingerprints(const std::filesystem::path& dir, const Identity* campaign,
                               bool values) {
  std::optional<Identity> expect;
  if (campaign) expect = fingerprint_identity(*campaign);
  // Rows are kept: the checkpoint digest is each row's message.
  auto scan = scan_folder(dir, true, expect ? &*expect : nullptr, PartFamily::fingerprints);
  Fingerprints out;
  if (!scan.identity) return out;
  out.length = scan.identity->fingerprint_length;
  const auto L = std::size_t(out.length);
  for (const auto& c : select_winners(std::move(scan.candidates), 1)) {
    const auto& rows = scan.rows[c.source];
    const auto* m = rows.message.data();
    const std::string digest(m + rows.message_offset[c.row], m + rows.message_offset[c.row + 1]);
    auto d = std::find(out.digests.begin(), out.digests.end(), digest);
    if (d == out.digests.end()) d = out.digests.insert(out.digests.end(), digest);
    out.ids.push_back(c.ve_id);
    out.checkpoint.push_back(std::uint32_t(d - out.digests.begin()));
    if (values) {
      const auto* v = rows.fingerprint.data() + c.row * L;
      out.values.insert(out.values.end(), v, v + L);
    }
  }
  return out;
}

void encode_batch(std::span<const std::int64_t> ids, std::span<const double> seconds,
                  std::span<const float> values, std::vector<char>& out) {
  const std::size_t L = ids.empty() ? 0 : values.size() / ids.size();
  bytes::put(out, std::uint32_t(ids.size()));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    bytes::put(out, ids[i]);
    bytes::put(out, seconds[i]);
    bytes::put(out, values.data() + i * L, L);
  }
}

std::optional<Batch> decode_batch(std::span<const char> data, std::int64_t length) {
  bytes::Reader in{data};
  std::uint32_t n = 0;
  const auto L = std::size_t(length);
  if (!in.get(n) || in.left() != std::size_t(n) * (16 + 4 * L)) return std::nullopt;
  Batch b;
  b.ids.resize(n);
  b.seconds.resize(n);
  b.values.resize(std::size_t(n) * L);
  for (std::size_t i = 0; i < n; ++i)
    if (!in.get(b.ids[i]) || !in.get(b.seconds[i]) || !in.get(b.values.data() + i * L, L))
      return std::nullopt;
  return b;
}

}  // namespace mspipe::campaign
