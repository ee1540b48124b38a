#include "io/vti.hpp"

#include <fmt/core.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/errors.hpp"
#include "io/base64.hpp"

static_assert(std::endian::native == std::endian::little, "VTI I/O assumes a little-endian host");

namespace mspipe::io::vti {

// ---- DataArray / ImageData -------------------------------------------------------------

std::size_t DataArray::size() const {
  return std::visit([](const auto& v) { return v.size(); }, values);
}

const std::vector<std::int32_t>& DataArray::as_int32(std::string_view file) const {
  if (const auto* v = std::get_if<std::vector<std::int32_t>>(&values)) return *v;
  throw core::InputError(
      core::format_error(file, fmt::format("DataArray '{}' holds floating-point values, expected integers", name)));
}

std::vector<double> DataArray::as_double() const {
  return std::visit([](const auto& v) { return std::vector<double>(v.begin(), v.end()); }, values);
}

const DataArray* ImageData::find(std::string_view name) const {
  for (const auto& a : cell_data)
    if (a.name == name) return &a;
  return nullptr;
}

const DataArray& ImageData::get(std::string_view name, std::string_view file) const {
  if (const auto* a = find(name)) return *a;
  std::string have;
  for (const auto& a : cell_data) have += (have.empty() ? "" : ", ") + a.name;
  throw core::InputError(core::format_error(
      file, fmt::format("no cell DataArray '{}' (the file has: {})", name, have.empty() ? "none" : have)));
}

// ---- a small XML tag scanner -----------------------------------------------------------
namespace {

struct Tag {
  std::string name;                           // "DataArray", "/CellData"
  std::map<std::string, std::string> attrs;
  bool self_closing = false;
  std::size_t end = 0;                        // position after '>'
  int line = 1;
};

class Scanner {
 public:
  Scanner(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  [[noreturn]] void fail(std::string_view what, std::size_t pos) const {
    const int line = 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + std::min(pos, text_.size()), '\n'));
    throw core::InputError(core::format_error(fmt::format("{}:{}", file_, line), what));
  }
  [[noreturn]] void fail(std::string_view what) const {
    throw core::InputError(core::format_error(file_, what));
  }

  // The next element tag at or after pos_, skipping declarations and comments.
  std::optional<Tag> next() {
    for (;;) {
      const std::size_t lt = text_.find('<', pos_);
      if (lt == std::string_view::npos) return std::nullopt;
      if (text_.compare(lt, 4, "<!--") == 0) {
        const std::size_t e = text_.find("-->", lt);
        if (e == std::string_view::npos) fail("unterminated comment", lt);
        pos_ = e + 3;
        continue;
      }
      if (text_.compare(lt, 2, "<?") == 0) {
        const std::size_t e = text_.find("?>", lt);
        if (e == std::string_view::npos) fail("unterminated declaration", lt);
        pos_ = e + 2;
        continue;
      }
      return parse_tag(lt);
    }
  }
  // Text from pos_ up to the next '<'.
  std::string_view content() {
    const std::size_t lt = text_.find('<', pos_);
    const std::size_t e = lt == std::string_view::npos ? text_.size() : lt;
    std::string_view s = text_.substr(pos_, e - pos_);
    pos_ = e;
    return s;
  }
  std::size_t pos() const { return pos_; }

 private:
  Tag parse_tag(std::size_t lt) {
    Tag t;
    std::size_t i = lt + 1;
    const auto at_end = [&] { return i >= text_.size(); };
    while (!at_end() && !std::isspace(static_cast<unsigned char>(text_[i])) && text_[i] != '>' &&
           !(text_[i] == '/' && i > lt + 1))
      t.name += text_[i++];
    for (;;) {
      while (!at_end() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (at_end()) fail(fmt::format("unterminated tag <{}", t.name), lt);
      if (text_[i] == '>') { ++i; break; }
      if (text_[i] == '/' && i + 1 < text_.size() && text_[i + 1] == '>') {
        t.self_closing = true;
        i += 2;
        break;
      }
      std::string key;
      while (!at_end() && text_[i] != '=' && !std::isspace(static_cast<unsigned char>(text_[i])) && text_[i] != '>')
        key += text_[i++];
      while (!at_end() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (at_end() || text_[i] != '=') fail(fmt::format("attribute '{}' of <{}> has no value", key, t.name), lt);
      ++i;
      while (!at_end() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (at_end() || (text_[i] != '"' && text_[i] != '\'')) fail(fmt::format("attribute '{}' of <{}> is not quoted", key, t.name), lt);
      const char q = text_[i++];
      const std::size_t e = text_.find(q, i);
      if (e == std::string_view::npos) fail(fmt::format("unterminated value of attribute '{}'", key), lt);
      t.attrs[key] = std::string(text_.substr(i, e - i));
      i = e + 1;
    }
    t.end = i;
    pos_ = i;
    return t;
  }

  std::string_view text_;
  std::string_view file_;
  std::size_t pos_ = 0;
};

std::string attr(const Tag& t, const std::string& key, std::string fallback = "") {
  const auto it = t.attrs.find(key);
  return it == t.attrs.end() ? fallback : it->second;
}

template <class T>
std::vector<T> numbers(std::string_view s, std::string_view what, const Scanner& sc) {
  std::vector<T> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size()) break;
    std::size_t e = i;
    while (e < s.size() && !std::isspace(static_cast<unsigned char>(s[e]))) ++e;
    T v{};
    const char* b = s.data() + i;
    const char* f = s.data() + e;
    if (*b == '+') ++b;
    const auto r = std::from_chars(b, f, v);
    if (r.ec != std::errc() || r.ptr != f)
      sc.fail(fmt::format("{}: cannot read \"{}\" as a number", what, s.substr(i, e - i)));
    out.push_back(v);
    i = e;
  }
  return out;
}

enum class Scalar { int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64 };

std::optional<Scalar> scalar_type(std::string_view t) {
  static const std::map<std::string_view, Scalar> m = {
      {"Int8", Scalar::int8},     {"UInt8", Scalar::uint8},     {"Int16", Scalar::int16},
      {"UInt16", Scalar::uint16}, {"Int32", Scalar::int32},     {"UInt32", Scalar::uint32},
      {"Int64", Scalar::int64},   {"UInt64", Scalar::uint64},   {"Float32", Scalar::float32},
      {"Float64", Scalar::float64}};
  const auto it = m.find(t);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::size_t scalar_size(Scalar s) {
  switch (s) {
    case Scalar::int8: case Scalar::uint8: return 1;
    case Scalar::int16: case Scalar::uint16: return 2;
    case Scalar::int32: case Scalar::uint32: case Scalar::float32: return 4;
    default: return 8;
  }
}

// Reads an unsigned header word of 4 or 8 bytes.
std::uint64_t header_word(const std::uint8_t* p, std::size_t width) {
  if (width == 4) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// The raw bytes of one inline binary DataArray.
std::vector<std::uint8_t> binary_bytes(std::string_view text, std::size_t header_width, bool compressed,
                                       const std::string& what, const Scanner& sc) {
  auto decoded = base64::decode(text);
  if (!decoded) sc.fail(fmt::format("{}: invalid base64 data", what));
  const auto& b = *decoded;
  const auto need = [&](std::size_t n) {
    if (b.size() < n) sc.fail(fmt::format("{}: binary data is truncated ({} bytes, at least {} expected)", what, b.size(), n));
  };
  need(header_width);
  if (!compressed) {
    const std::uint64_t n = header_word(b.data(), header_width);
    need(header_width + n);
    return {b.begin() + static_cast<std::ptrdiff_t>(header_width),
            b.begin() + static_cast<std::ptrdiff_t>(header_width + n)};
  }
  const std::uint64_t blocks = header_word(b.data(), header_width);
  need(header_width * (3 + blocks));
  const std::uint64_t block_size = header_word(b.data() + header_width, header_width);
  const std::uint64_t last_size = header_word(b.data() + 2 * header_width, header_width);
  std::size_t in = header_width * (3 + blocks);
  std::vector<std::uint8_t> out;
  for (std::uint64_t k = 0; k < blocks; ++k) {
    const std::uint64_t csize = header_word(b.data() + header_width * (3 + k), header_width);
    const std::uint64_t usize = (k + 1 == blocks && last_size != 0) ? last_size : block_size;
    need(in + csize);
    const std::size_t at = out.size();
    out.resize(at + usize);
    uLongf dest = static_cast<uLongf>(usize);
    const int rc = uncompress(out.data() + at, &dest, b.data() + in, static_cast<uLong>(csize));
    if (rc != Z_OK || dest != usize)
      sc.fail(fmt::format("{}: zlib block {} of {} does not inflate to {} bytes", what, k + 1, blocks, usize));
    in += csize;
  }
  return out;
}

template <class T>
std::vector<T> from_bytes(const std::vector<std::uint8_t>& bytes, std::size_t n) {
  std::vector<T> v(n);
  std::memcpy(v.data(), bytes.data(), n * sizeof(T));
  return v;
}

// Converts raw little-endian bytes of type s to the array's stored kind.
void assign_values(DataArray& a, Scalar s, const std::vector<std::uint8_t>& bytes,
                   const std::string& what, const Scanner& sc) {
  const std::size_t w = scalar_size(s);
  if (bytes.size() % w != 0) sc.fail(fmt::format("{}: {} bytes is not a whole number of values", what, bytes.size()));
  const std::size_t n = bytes.size() / w;
  auto to_int32 = [&](auto tag) {
    using T = decltype(tag);
    const auto raw = from_bytes<T>(bytes, n);
    std::vector<std::int32_t> v(n);
    for (std::size_t i = 0; i < n; ++i) {
      const bool fits = std::is_signed_v<T>
                            ? (static_cast<std::int64_t>(raw[i]) >= INT32_MIN && static_cast<std::int64_t>(raw[i]) <= INT32_MAX)
                            : static_cast<std::uint64_t>(raw[i]) <= static_cast<std::uint64_t>(INT32_MAX);
      if (!fits) sc.fail(fmt::format("{}: value {} does not fit a 32-bit integer", what, raw[i]));
      v[i] = static_cast<std::int32_t>(raw[i]);
    }
    a.values = std::move(v);
  };
  switch (s) {
    case Scalar::int8: to_int32(std::int8_t{}); break;
    case Scalar::uint8: to_int32(std::uint8_t{}); break;
    case Scalar::int16: to_int32(std::int16_t{}); break;
    case Scalar::uint16: to_int32(std::uint16_t{}); break;
    case Scalar::int32: a.values = from_bytes<std::int32_t>(bytes, n); break;
    case Scalar::uint32: to_int32(std::uint32_t{}); break;
    case Scalar::int64: to_int32(std::int64_t{}); break;
    case Scalar::uint64: to_int32(std::uint64_t{}); break;
    case Scalar::float32: a.values = from_bytes<float>(bytes, n); break;
    case Scalar::float64: a.values = from_bytes<double>(bytes, n); break;
  }
}

void assign_ascii(DataArray& a, Scalar s, std::string_view text, const std::string& what, const Scanner& sc) {
  if (s == Scalar::float32) a.values = numbers<float>(text, what, sc);
  else if (s == Scalar::float64) a.values = numbers<double>(text, what, sc);
  else {
    const auto raw = numbers<std::int64_t>(text, what, sc);
    std::vector<std::int32_t> v(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] < INT32_MIN || raw[i] > INT32_MAX) sc.fail(fmt::format("{}: value {} does not fit a 32-bit integer", what, raw[i]));
      v[i] = static_cast<std::int32_t>(raw[i]);
    }
    a.values = std::move(v);
  }
}

std::array<int, 6> extent(const Tag& t, const std::string& key, const Scanner& sc) {
  const auto v = numbers<long long>(attr(t, key), fmt::format("<{}> {}", t.name, key), sc);
  if (v.size() != 6) sc.fail(fmt::format("<{}> {} needs 6 integers, found {}", t.name, key, v.size()));
  std::array<int, 6> e{};
  for (int i = 0; i < 6; ++i) e[i] = static_cast<int>(v[i]);
  return e;
}

std::array<double, 3> triple(const Tag& t, const std::string& key, std::array<double, 3> fallback, const Scanner& sc) {
  if (!t.attrs.count(key)) return fallback;
  const auto v = numbers<double>(attr(t, key), fmt::format("<{}> {}", t.name, key), sc);
  if (v.size() != 3) sc.fail(fmt::format("<{}> {} needs 3 numbers, found {}", t.name, key, v.size()));
  return {v[0], v[1], v[2]};
}

}  // namespace

// ---- reading -----------------------------------------------------------------------------

ImageData parse(std::string_view text, std::string_view file_name) {
  Scanner sc(text, file_name);
  ImageData img;
  std::size_t header_width = 4;
  bool compressed = false;
  bool seen_file = false, seen_image = false, in_cell_data = false;
  std::array<int, 6> whole{};

  while (auto tag = sc.next()) {
    const Tag& t = *tag;
    if (t.name == "VTKFile") {
      seen_file = true;
      if (attr(t, "type") != "ImageData")
        sc.fail(fmt::format("VTKFile type is \"{}\", expected \"ImageData\"", attr(t, "type")), t.end);
      const auto order = attr(t, "byte_order", "LittleEndian");
      if (order != "LittleEndian") sc.fail(fmt::format("byte_order \"{}\" is not supported (LittleEndian only)", order), t.end);
      const auto ht = attr(t, "header_type", "UInt32");
      if (ht == "UInt64") header_width = 8;
      else if (ht != "UInt32") sc.fail(fmt::format("header_type \"{}\" is not supported", ht), t.end);
      const auto comp = attr(t, "compressor");
      if (comp == "vtkZLibDataCompressor") compressed = true;
      else if (!comp.empty()) sc.fail(fmt::format("compressor \"{}\" is not supported (only vtkZLibDataCompressor)", comp), t.end);
    } else if (t.name == "ImageData") {
      if (!seen_file) sc.fail("<ImageData> outside <VTKFile>", t.end);
      seen_image = true;
      whole = extent(t, "WholeExtent", sc);
      for (int d = 0; d < 3; ++d) {
        img.cells[d] = whole[2 * d + 1] - whole[2 * d];
        if (img.cells[d] < 1) sc.fail(fmt::format("WholeExtent gives {} cells along axis {}", img.cells[d], d), t.end);
      }
      img.origin = triple(t, "Origin", {0, 0, 0}, sc);
      img.spacing = triple(t, "Spacing", {1, 1, 1}, sc);
      // A shifted extent moves the grid's first cell; fold it into the origin.
      for (int d = 0; d < 3; ++d) img.origin[d] += whole[2 * d] * img.spacing[d];
      if (t.attrs.count("Direction")) {
        const auto dir = numbers<double>(attr(t, "Direction"), "<ImageData> Direction", sc);
        const double id[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        if (dir.size() != 9 || !std::equal(dir.begin(), dir.end(), id))
          sc.fail("a rotated grid (Direction other than the identity) is not supported", t.end);
      }
    } else if (t.name == "Piece") {
      if (!seen_image) sc.fail("<Piece> outside <ImageData>", t.end);
      if (t.attrs.count("Extent") && extent(t, "Extent", sc) != whole)
        sc.fail("pieces that do not cover the WholeExtent are not supported", t.end);
    } else if (t.name == "CellData") {
      in_cell_data = !t.self_closing;
    } else if (t.name == "/CellData") {
      in_cell_data = false;
    } else if (t.name == "DataArray" && in_cell_data) {
      DataArray a;
      a.name = attr(t, "Name");
      const std::string what = fmt::format("DataArray '{}'", a.name);
      a.components = std::atoi(attr(t, "NumberOfComponents", "1").c_str());
      if (a.components < 1) sc.fail(fmt::format("{}: NumberOfComponents must be positive", what), t.end);
      const auto type = scalar_type(attr(t, "type"));
      if (!type) sc.fail(fmt::format("{}: unknown type \"{}\"", what, attr(t, "type")), t.end);
      const auto fmt_name = attr(t, "format", "ascii");
      const std::string_view body = t.self_closing ? std::string_view() : sc.content();
      if (fmt_name == "ascii") assign_ascii(a, *type, body, what, sc);
      else if (fmt_name == "binary")
        assign_values(a, *type, binary_bytes(body, header_width, compressed, what, sc), what, sc);
      else sc.fail(fmt::format("{}: format \"{}\" is not supported (ascii or binary)", what, fmt_name), t.end);
      img.cell_data.push_back(std::move(a));
    }
  }
  if (!seen_file || !seen_image) sc.fail("not a VTK ImageData XML file (no <VTKFile type=\"ImageData\"> / <ImageData>)");
  for (const auto& a : img.cell_data) {
    const auto need = static_cast<std::size_t>(img.cell_count()) * a.components;
    if (a.size() != need)
      sc.fail(fmt::format("DataArray '{}' has {} values, the grid {}x{}x{} needs {}", a.name, a.size(),
                          img.cells[0], img.cells[1], img.cells[2], need));
  }
  return img;
}

ImageData read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw core::InputError(core::format_error(file.string(), "cannot open file"));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), file.string());
}

// ---- writing -----------------------------------------------------------------------------
namespace {

std::string num(double v) { return fmt::format("{}", v); }

template <class T>
std::string_view type_name() {
  if constexpr (std::is_same_v<T, std::int32_t>) return "Int32";
  else if constexpr (std::is_same_v<T, float>) return "Float32";
  else return "Float64";
}

void append_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
  out.insert(out.end(), p, p + 4);
}

// Header and data of one binary array as VTK lays them out: uncompressed arrays are one
// base64 stream of [byte count][data]; compressed ones are the block header and the
// concatenated zlib blocks as two streams, the layout DAMASK's reader expects.
std::string binary_text(const std::uint8_t* data, std::size_t n, bool zlib) {
  if (n > UINT32_MAX) throw std::length_error("VTI array larger than 4 GiB");
  if (!zlib) {
    std::vector<std::uint8_t> buf;
    buf.reserve(n + 4);
    append_u32(buf, static_cast<std::uint32_t>(n));
    buf.insert(buf.end(), data, data + n);
    return base64::encode(buf);
  }
  constexpr std::size_t block = 1 << 15;
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<std::uint8_t> header, body;
  append_u32(header, static_cast<std::uint32_t>(blocks));
  append_u32(header, static_cast<std::uint32_t>(block));
  append_u32(header, static_cast<std::uint32_t>(n % block));
  std::vector<std::uint8_t> tmp(compressBound(block));
  for (std::size_t k = 0; k < blocks; ++k) {
    const std::size_t len = std::min(block, n - k * block);
    uLongf out_len = static_cast<uLongf>(tmp.size());
    if (compress2(tmp.data(), &out_len, data + k * block, static_cast<uLong>(len), Z_DEFAULT_COMPRESSION) != Z_OK)
      throw std::runtime_error("zlib compression failed");
    append_u32(header, static_cast<std::uint32_t>(out_len));
    body.insert(body.end(), tmp.begin(), tmp.begin() + static_cast<std::ptrdiff_t>(out_len));
  }
  return base64::encode(header) + base64::encode(body);
}

template <class T>
void write_array(std::string& out, const DataArray& a, const std::vector<T>& v, Encoding enc) {
  std::string range;
  if (!v.empty() && a.components == 1) {
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    range = fmt::format(" RangeMin=\"{}\" RangeMax=\"{}\"", num(static_cast<double>(*lo)), num(static_cast<double>(*hi)));
  }
  const std::string comps = a.components > 1 ? fmt::format(" NumberOfComponents=\"{}\"", a.components) : "";
  out += fmt::format("      <DataArray type=\"{}\" Name=\"{}\"{} format=\"{}\"{}>\n", type_name<T>(), a.name, comps,
                     enc == Encoding::ascii ? "ascii" : "binary", range);
  if (enc == Encoding::ascii) {
    for (std::size_t i = 0; i < v.size(); i += 12) {
      out += "        ";
      for (std::size_t j = i; j < std::min(v.size(), i + 12); ++j) out += (j > i ? " " : "") + fmt::format("{}", v[j]);
      out += '\n';
    }
  } else {
    out += "        ";
    out += binary_text(reinterpret_cast<const std::uint8_t*>(v.data()), v.size() * sizeof(T), enc == Encoding::binary_zlib);
    out += '\n';
  }
  out += "      </DataArray>\n";
}

}  // namespace

std::string format(const ImageData& img, Encoding enc) {
  const auto& c = img.cells;
  const std::string ext = fmt::format("0 {} 0 {} 0 {}", c[0], c[1], c[2]);
  std::string out = "<?xml version=\"1.0\"?>\n";
  out += fmt::format("<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" header_type=\"UInt32\"{}>\n",
                     enc == Encoding::binary_zlib ? " compressor=\"vtkZLibDataCompressor\"" : "");
  out += fmt::format("  <ImageData WholeExtent=\"{}\" Origin=\"{} {} {}\" Spacing=\"{} {} {}\" Direction=\"1 0 0 0 1 0 0 0 1\">\n",
                     ext, num(img.origin[0]), num(img.origin[1]), num(img.origin[2]), num(img.spacing[0]),
                     num(img.spacing[1]), num(img.spacing[2]));
  out += fmt::format("  <Piece Extent=\"{}\">\n", ext);
  out += "    <PointData>\n    </PointData>\n    <CellData>\n";
  for (const auto& a : img.cell_data) {
    const auto need = static_cast<std::size_t>(img.cell_count()) * a.components;
    if (a.size() != need)
      throw std::invalid_argument(fmt::format("DataArray '{}' has {} values, the grid {}x{}x{} needs {}", a.name,
                                              a.size(), c[0], c[1], c[2], need));
    std::visit([&](const auto& v) { write_array(out, a, v, enc); }, a.values);
  }
  out += "    </CellData>\n  </Piece>\n  </ImageData>\n</VTKFile>\n";
  return out;
}

void write(const std::filesystem::path& file, const ImageData& image, Encoding encoding) {
  core::write_file_atomically(file, format(image, encoding));
}

}  // namespace mspipe::io::vti
