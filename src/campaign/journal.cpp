#include "campaign/journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "campaign/bytes.hpp"
#include "core/errors.hpp"
#include "core/log.hpp"

namespace mspipe::campaign {

namespace {

constexpr std::uint32_t kRecordMagic = 0x524a534d;  // bytes "MSJR"
constexpr std::uint32_t kHeaderMagic = 0x484a534d;  // bytes "MSJH"
constexpr std::size_t kFrameHead = 12;
// Larger than any record of a real campaign (L = 256, 21 points: 2 kB); a length beyond
// it is garbage, not a frame.
constexpr std::uint32_t kMaxPayload = 1u << 30;

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what) {
  throw core::InputError(core::format_error(path.string(), what));
}
[[noreturn]] void fail_errno(const std::filesystem::path& path, std::string_view what) {
  fail(path, fmt::format("{}: {}", what, std::strerror(errno)));
}

std::uint32_t crc_of(const char* data, std::size_t n) {
  return static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(n)));
}

void put_frame(std::vector<char>& out, std::uint32_t magic, std::span<const char> payload) {
  bytes::put(out, magic);
  bytes::put(out, static_cast<std::uint32_t>(payload.size()));
  bytes::put(out, crc_of(payload.data(), payload.size()));
  bytes::put(out, payload.data(), payload.size());
}

// Reads a file front to back through one reused window, so that a replay touches no more
// fresh memory than its longest frame (on a VM, faulting in a whole 100 MB journal cost
// more than its CRC).
class FileWindow {
 public:
  explicit FileWindow(const std::filesystem::path& path) : in_(path, std::ios::binary) {
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
    if (!in_ || ec) fail(path, "cannot open campaign journal");
  }
  std::uint64_t size() const { return size_; }
  // The bytes [at, at + n), or nothing when the file ends (or cannot be read) before.
  // `at` never moves backwards; an earlier span is invalid after the next call.
  std::optional<std::span<const char>> get(std::uint64_t at, std::size_t n) {
    if (at + n > size_) return std::nullopt;
    if (at + n > start_ + filled_) {
      if (at >= start_ && at <= start_ + filled_) {
        const std::size_t keep = std::size_t(start_ + filled_ - at);
        if (keep > 0) std::memmove(buf_.data(), buf_.data() + (at - start_), keep);
        filled_ = keep;
      } else {
        filled_ = 0;
        in_.clear();
        in_.seekg(std::streamoff(at));
      }
      start_ = at;
      buf_.resize(std::max(buf_.size(), std::max(n, kChunk)));
      in_.read(buf_.data() + filled_, std::streamsize(buf_.size() - filled_));
      filled_ += std::size_t(in_.gcount());
      in_.clear();
      if (filled_ < n) return std::nullopt;
    }
    return std::span<const char>(buf_.data() + (at - start_), n);
  }

 private:
  static constexpr std::size_t kChunk = 1 << 22;
  std::ifstream in_;
  std::uint64_t size_ = 0, start_ = 0;
  std::size_t filled_ = 0;
  std::vector<char> buf_;
};

// The payload of the frame at `at`, or an empty optional with `why` set.
std::optional<std::span<const char>> frame_at(FileWindow& file, std::uint64_t at,
                                              std::uint32_t magic, std::string& why) {
  const auto head = file.get(at, kFrameHead);
  if (!head) {
    why = "torn frame header";
    return std::nullopt;
  }
  bytes::Reader in{*head};
  std::uint32_t m = 0, n = 0, crc = 0;
  in.get(m);
  in.get(n);
  in.get(crc);
  if (m != magic || n > kMaxPayload) {
    why = "bad frame magic or length";
    return std::nullopt;
  }
  const auto payload = file.get(at + kFrameHead, n);
  if (!payload) {
    why = "torn frame payload";
    return std::nullopt;
  }
  if (crc_of(payload->data(), n) != crc) {
    why = "checksum mismatch";
    return std::nullopt;
  }
  return payload;
}

std::vector<char> header_payload(const JournalHeader& h) {
  std::vector<char> p;
  bytes::put_text(p, kJournalSchema);
  bytes::put(p, kJournalSchemaVersion);
  bytes::put(p, h.collector);
  bytes::put(p, h.segment);
  encode(h.identity, p);
  return p;
}

JournalHeader parse_header(const std::filesystem::path& path, std::span<const char> payload) {
  bytes::Reader in{payload};
  std::string schema;
  std::uint32_t version = 0;
  JournalHeader h;
  if (!in.text(schema) || schema != kJournalSchema)
    fail(path, "not a campaign journal (wrong schema name)");
  if (!in.get(version) || !in.get(h.collector) || !in.get(h.segment))
    fail(path, "campaign journal header is damaged");
  if (version > kJournalSchemaVersion)
    fail(path, fmt::format("journal version {} is newer than this program reads ({})", version,
                           kJournalSchemaVersion));
  std::size_t used = 0;
  auto id = decode_identity(payload.subspan(in.at), used);
  if (!id) fail(path, "campaign journal header is damaged (campaign identity)");
  h.identity = std::move(*id);
  return h;
}

void write_fully(int fd, const std::filesystem::path& path, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail_errno(path, "cannot write campaign journal");
    }
    data += w;
    n -= std::size_t(w);
  }
}

}  // namespace

void sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail_errno(dir, "cannot open folder to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail_errno(dir, "cannot sync folder");
}

JournalContents read_journal(const std::filesystem::path& path, const Identity* expect,
                             bool ids_only) {
  FileWindow file(path);
  JournalContents c;
  c.file_bytes = file.size();
  std::string why;
  const auto head = frame_at(file, 0, kHeaderMagic, why);
  if (!head) fail(path, fmt::format("not a campaign journal, or its header is damaged ({})", why));
  c.header = parse_header(path, *head);
  if (expect) {
    const auto diff = io::identity_difference(c.header.identity, *expect);
    if (!diff.empty())
      fail(path, "journal of another campaign (journal vs this run: " + diff + ")");
  }
  const RecordLayout layout = layout_of(c.header.identity);
  std::uint64_t at = kFrameHead + head->size();
  while (at < c.file_bytes) {
    const auto payload = frame_at(file, at, kRecordMagic, why);
    if (!payload) break;
    auto r = decode(*payload, layout, !ids_only);
    if (!r) {
      why = "frame is not a record of this campaign's layout";
      break;
    }
    c.records.push_back(std::move(*r));
    at += kFrameHead + payload->size();
  }
  c.valid_bytes = at;
  if (at < c.file_bytes) c.stop = fmt::format("{} at byte {}", why, at);
  return c;
}

Journal Journal::create(const std::filesystem::path& path, const JournalHeader& header) {
  if (std::filesystem::exists(path)) fail(path, "campaign journal exists already");
  const auto tmp = std::filesystem::path(path.string() + ".tmp");
  Journal j;
  j.path_ = path;
  j.header_ = header;
  j.layout_ = layout_of(header.identity);
  j.fd_ = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (j.fd_ < 0) fail_errno(tmp, "cannot create campaign journal");
  std::vector<char> frame;
  put_frame(frame, kHeaderMagic, header_payload(header));
  write_fully(j.fd_, tmp, frame.data(), frame.size());
  if (::fdatasync(j.fd_) != 0) fail_errno(tmp, "cannot sync campaign journal");
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) fail(path, "cannot rename from .tmp: " + ec.message());
  sync_directory(path.parent_path());
  return j;
}

Journal Journal::open(const std::filesystem::path& path, const Identity& expect,
                      JournalContents* replayed) {
  JournalContents c = read_journal(path, &expect);
  Journal j;
  j.path_ = path;
  j.header_ = c.header;
  j.layout_ = layout_of(c.header.identity);
  j.fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (j.fd_ < 0) fail_errno(path, "cannot open campaign journal for appending");
  if (c.valid_bytes < c.file_bytes) {
    core::log::warn(
        "{}: cutting {} bytes after the last whole record ({}): they were never acknowledged",
        path.string(), c.file_bytes - c.valid_bytes, c.stop);
    if (::ftruncate(j.fd_, off_t(c.valid_bytes)) != 0 || ::fdatasync(j.fd_) != 0)
      fail_errno(path, "cannot truncate campaign journal");
  }
  if (::lseek(j.fd_, off_t(c.valid_bytes), SEEK_SET) < 0)
    fail_errno(path, "cannot seek in campaign journal");
  if (replayed) *replayed = std::move(c);
  return j;
}

Journal::Journal(Journal&& o) noexcept
    : path_(std::move(o.path_)),
      header_(std::move(o.header_)),
      layout_(o.layout_),
      fd_(o.fd_),
      buffer_(std::move(o.buffer_)),
      appended_(o.appended_),
      synced_(o.synced_),
      failed_(o.failed_) {
  o.fd_ = -1;
}

Journal& Journal::operator=(Journal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    header_ = std::move(o.header_);
    layout_ = o.layout_;
    fd_ = o.fd_;
    buffer_ = std::move(o.buffer_);
    appended_ = o.appended_;
    synced_ = o.synced_;
    failed_ = o.failed_;
    o.fd_ = -1;
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint64_t Journal::append(const Record& r) {
  if (failed_)
    throw std::logic_error(path_.string() + ": campaign journal used after a failed sync");
  scratch_.clear();
  encode(r, layout_, scratch_);
  put_frame(buffer_, kRecordMagic, scratch_);
  return ++appended_;
}

void Journal::sync() {
  if (failed_)
    throw std::logic_error(path_.string() + ": campaign journal used after a failed sync");
  if (synced_ == appended_) return;
  failed_ = true;
  write_fully(fd_, path_, buffer_.data(), buffer_.size());
  buffer_.clear();
  if (::fdatasync(fd_) != 0) fail_errno(path_, "cannot sync campaign journal");
  failed_ = false;
  synced_ = appended_;
}

}  // namespace mspipe::campaign
