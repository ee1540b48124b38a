#include "campaign/record.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "campaign/bytes.hpp"

namespace mspipe::campaign {

std::string_view status_name(Status s) {
  return io::kCampaignStatusNames.at(std::size_t(s));
}

std::optional<Status> status_from_code(int code) {
  if (code < 0 || code >= int(io::kCampaignStatusNames.size())) return std::nullopt;
  return static_cast<Status>(code);
}

namespace {

constexpr std::size_t kFixedBytes = 8 + 1 + 4 + 8 + 8 + 4;
using bytes::put;

}  // namespace

std::size_t RecordLayout::encoded_size(std::size_t message_bytes) const {
  return kFixedBytes + message_bytes + std::size_t(fingerprint_length) * 4 +
         std::size_t(points) * 6 * 8;
}

void encode(const Record& r, const RecordLayout& layout, std::vector<char>& out) {
  if (r.fingerprint.size() != std::size_t(layout.fingerprint_length) ||
      r.stress.size() != std::size_t(layout.points) * 6)
    throw std::invalid_argument(
        fmt::format("record of VE {}: fingerprint of {} values and stress of {} values, the "
                    "campaign needs {} and {}",
                    r.ve_id, r.fingerprint.size(), r.stress.size(), layout.fingerprint_length,
                    layout.points * 6));
  if (r.message.size() > 0xffffffffu)
    throw std::invalid_argument("record message longer than 4 GiB");
  out.reserve(out.size() + layout.encoded_size(r.message.size()));
  put(out, r.ve_id);
  put(out, static_cast<std::int8_t>(r.status));
  put(out, r.attempts);
  put(out, r.iterations);
  put(out, r.wall_s);
  put(out, static_cast<std::uint32_t>(r.message.size()));
  put(out, r.message.data(), r.message.size());
  put(out, r.fingerprint.data(), r.fingerprint.size());
  put(out, r.stress.data(), r.stress.size());
}

std::optional<Record> decode(std::span<const char> data, const RecordLayout& layout, bool arrays) {
  bytes::Reader in{data};
  Record r;
  std::int8_t status = 0;
  std::uint32_t message_bytes = 0;
  if (!in.get(r.ve_id) || !in.get(status) || !in.get(r.attempts) || !in.get(r.iterations) ||
      !in.get(r.wall_s) || !in.get(message_bytes))
    return std::nullopt;
  const auto s = status_from_code(status);
  if (!s || data.size() != layout.encoded_size(message_bytes)) return std::nullopt;
  r.status = *s;
  r.message.resize(message_bytes);
  in.get(r.message.data(), message_bytes);
  if (!arrays) return r;
  r.fingerprint.resize(std::size_t(layout.fingerprint_length));
  r.stress.resize(std::size_t(layout.points) * 6);
  in.get(r.fingerprint.data(), r.fingerprint.size());
  in.get(r.stress.data(), r.stress.size());
  return r;
}

void append_row(io::CampaignColumns& rows, const Record& r) {
  rows.ve_id.push_back(r.ve_id);
  rows.status.push_back(static_cast<std::int8_t>(r.status));
  rows.attempts.push_back(r.attempts);
  rows.iterations.push_back(r.iterations);
  rows.wall_s.push_back(r.wall_s);
  rows.fingerprint.insert(rows.fingerprint.end(), r.fingerprint.begin(), r.fingerprint.end());
  rows.stress.insert(rows.stress.end(), r.stress.begin(), r.stress.end());
  rows.message.insert(rows.message.end(), r.message.begin(), r.message.end());
  rows.message_offset.push_back(std::int64_t(rows.message.size()));
}

Record row(const io::CampaignColumns& rows, std::size_t i, const RecordLayout& layout) {
  const auto L = std::size_t(layout.fingerprint_length);
  const auto S = std::size_t(layout.points) * 6;
  Record r;
  r.ve_id = rows.ve_id[i];
  r.status = status_from_code(rows.status[i]).value_or(Status::failed);
  r.attempts = rows.attempts[i];
  r.iterations = rows.iterations[i];
  r.wall_s = rows.wall_s[i];
  r.message.assign(rows.message.begin() + rows.message_offset[i],
                   rows.message.begin() + rows.message_offset[i + 1]);
  r.fingerprint.assign(rows.fingerprint.begin() + std::ptrdiff_t(i * L),
                       rows.fingerprint.begin() + std::ptrdiff_t((i + 1) * L));
  r.stress.assign(rows.stress.begin() + std::ptrdiff_t(i * S),
                  rows.stress.begin() + std::ptrdiff_t((i + 1) * S));
  return r;
}

void copy_row(const io::CampaignColumns& from, std::size_t i, io::CampaignColumns& to,
              const RecordLayout& layout) {
  const auto L = std::size_t(layout.fingerprint_length);
  const auto S = std::size_t(layout.points) * 6;
  const auto slice = [i](const auto& v, std::size_t n) {
    return std::pair(v.begin() + std::ptrdiff_t(i * n), v.begin() + std::ptrdiff_t((i + 1) * n));
  };
  to.ve_id.push_back(from.ve_id[i]);
  to.status.push_back(from.status[i]);
  to.attempts.push_back(from.attempts[i]);
  to.iterations.push_back(from.iterations[i]);
  to.wall_s.push_back(from.wall_s[i]);
  const auto [f0, f1] = slice(from.fingerprint, L);
  to.fingerprint.insert(to.fingerprint.end(), f0, f1);
  const auto [s0, s1] = slice(from.stress, S);
  to.stress.insert(to.stress.end(), s0, s1);
  to.message.insert(to.message.end(), from.message.begin() + from.message_offset[i],
                    from.message.begin() + from.message_offset[i + 1]);
  to.message_offset.push_back(std::int64_t(to.message.size()));
}

}  // namespace mspipe::campaign
