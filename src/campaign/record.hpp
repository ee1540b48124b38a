#pragma once
// One result of the campaign: what the collector receives for a VE, and its compact
// binary encoding (the payload of a journal frame).
//
// Encoding, little-endian, fixed layout for a given (L, points):
//   ve_id i64 | status i8 | attempts i32 | iterations i64 | wall_s f64 |
//   message length u32 | message bytes | fingerprint L x f32 | stress points x 6 x f64
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/campaign_file.hpp"

namespace mspipe::campaign {

// The values are the codes stored in files (io::kCampaignStatusNames).
enum class Status : std::int8_t {
  converged = 0,
  not_converged = 1,
  failed = 2,
  timeout = 3,
  interrupted = 4,
};
std::string_view status_name(Status s);
std::optional<Status> status_from_code(int code);

struct Record {
  std::int64_t ve_id = 0;
  Status status = Status::converged;
  std::int32_t attempts = 1;  // tries of this VE, this one included
  std::int64_t iterations = 0;
  double wall_s = 0;
  std::string message;             // why it failed (empty otherwise)
  std::vector<float> fingerprint;  // L
  std::vector<double> stress;      // points * 6, Pa
  bool operator==(const Record&) const = default;
};

// The sizes every record of a campaign has.
struct RecordLayout {
  std::int64_t fingerprint_length = 0;  // L
  std::int64_t points = 0;
  std::size_t encoded_size(std::size_t message_bytes) const;
};

// Appends the encoding of `r` to `out`. Throws std::invalid_argument when r's arrays do
// not have the layout's sizes.
void encode(const Record& r, const RecordLayout& layout, std::vector<char>& out);
// Decodes one record; std::nullopt when the bytes are not a record of this layout
// (wrong length, unknown status). Without `arrays`, fingerprint and stress stay empty.
std::optional<Record> decode(std::span<const char> bytes, const RecordLayout& layout,
                             bool arrays = true);

// Rows <-> records (the HDF5 files store columns).
void append_row(io::CampaignColumns& rows, const Record& r);
Record row(const io::CampaignColumns& rows, std::size_t i, const RecordLayout& layout);
// Appends row i of `from` to `to` without going through a Record.
void copy_row(const io::CampaignColumns& from, std::size_t i, io::CampaignColumns& to,
              const RecordLayout& layout);

}  // namespace mspipe::campaign
