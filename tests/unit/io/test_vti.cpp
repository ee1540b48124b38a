#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/errors.hpp"
#include "io/base64.hpp"
#include "io/vti.hpp"
#include "support/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace mspipe;

namespace {
const fs::path kData = fs::path(MSPIPE_TEST_DATA_DIR) / "microstructure";

std::vector<int> read_ints(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::vector<int> v;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    int x;
    while (ss >> x) v.push_back(x);
  }
  return v;
}

io::vti::ImageData sample_image() {
  io::vti::ImageData img;
  img.cells = {5, 4, 3};
  img.origin = {0.5, -1, 2};
  img.spacing = {0.25, 0.25, 1e-6};
  const std::size_t n = 60;
  std::vector<std::int32_t> ids(n);
  std::vector<float> euler(3 * n);
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    ids[i] = static_cast<std::int32_t>(i * 7919 % 23) - 3;
    d[i] = 1.0 / (1.0 + i) - 1e-12 * i;
    for (int c = 0; c < 3; ++c) euler[3 * i + c] = static_cast<float>(0.1 * c + i / 61.0);
  }
  img.cell_data.push_back({"material", 1, ids});
  img.cell_data.push_back({"euler", 3, euler});
  img.cell_data.push_back({"phi", 1, d});
  return img;
}

// DAMASK_grid's rules for an inline binary array (src/VTI.f90): compressed arrays carry
// the block header as its own base64 stream of encoded_length(header bytes) characters,
// uncompressed ones a single stream [UInt32 byte count][data].
std::vector<std::uint8_t> damask_style_bytes(const std::string& b64, bool compressed) {
  if (!compressed) {
    auto all = *io::base64::decode(b64);
    std::uint32_t n;
    std::memcpy(&n, all.data(), 4);
    return {all.begin() + 4, all.begin() + 4 + n};
  }
  auto first = *io::base64::decode(b64.substr(0, io::base64::encoded_length(4)));
  std::uint32_t blocks;
  std::memcpy(&blocks, first.data(), 4);
  const std::size_t hlen = 4 * (3 + blocks);
  const auto header = *io::base64::decode(b64.substr(0, io::base64::encoded_length(hlen)));
  const auto body = *io::base64::decode(b64.substr(io::base64::encoded_length(hlen)));
  std::vector<std::uint32_t> h(3 + blocks);
  std::memcpy(h.data(), header.data(), hlen);
  std::vector<std::uint8_t> out;
  std::size_t at = 0;
  for (std::uint32_t k = 0; k < blocks; ++k) {
    uLongf usize = (k + 1 == blocks && h[2] != 0) ? h[2] : h[1];
    std::vector<std::uint8_t> buf(usize);
    EXPECT_EQ(uncompress(buf.data(), &usize, body.data() + at, h[3 + k]), Z_OK);
    out.insert(out.end(), buf.begin(), buf.end());
    at += h[3 + k];
  }
  return out;
}
}  // namespace

TEST(Base64, RoundTripsEveryLengthAndReadsConcatenatedStreams) {
  for (std::size_t n = 0; n < 10; ++n) {
    std::vector<std::uint8_t> b(n);
    std::uint8_t next = 250;  // 37 i + 250 (mod 256)
    for (auto& v : b) v = next, next = static_cast<std::uint8_t>(next + 37);
    const auto text = io::base64::encode(b);
    EXPECT_EQ(text.size(), io::base64::encoded_length(n));
    EXPECT_EQ(*io::base64::decode(text), b);
  }
  EXPECT_EQ(io::base64::encode(std::vector<std::uint8_t>{'M', 'a', 'n'}), "TWFu");  // RFC 4648 example
  // "BAAAAA==" (UInt32 4) followed by a second stream: VTK's header/data layout.
  const auto two = io::base64::decode("BAAAAA==AQIDBA==");
  ASSERT_TRUE(two);
  EXPECT_EQ(*two, (std::vector<std::uint8_t>{4, 0, 0, 0, 1, 2, 3, 4}));
  EXPECT_FALSE(io::base64::decode("AB!D"));
  EXPECT_FALSE(io::base64::decode("ABC"));
}

TEST(Vti, ReadsDamaskReferenceGeometry) {
  const auto img = io::vti::read(kData / "damask_B_geom.vti");
  EXPECT_EQ(img.cells, (std::array<int, 3>{16, 16, 16}));
  EXPECT_DOUBLE_EQ(img.spacing[0], 1e-6);
  EXPECT_DOUBLE_EQ(img.origin[2], 0.0);
  const auto& mat = img.get("material", "damask_B_geom.vti").as_int32("damask_B_geom.vti");
  ASSERT_EQ(mat.size(), 4096u);
  // Cells per grain as recorded with the reference run (case.json).
  const auto expected = read_ints(kData / "damask_B_cells_per_grain.txt");
  std::vector<int> counts(expected.size(), 0);
  for (int m : mat) {
    ASSERT_GE(m, 0);
    ASSERT_LT(m, static_cast<int>(counts.size()));
    ++counts[m];
  }
  EXPECT_EQ(counts, expected);

  const auto single = io::vti::read(kData / "damask_D_geom.vti");
  EXPECT_EQ(single.cells, (std::array<int, 3>{8, 8, 8}));
  const auto& m1 = single.get("material", "d").as_int32("d");
  EXPECT_EQ(std::count(m1.begin(), m1.end(), 0), 512);
}

TEST(Vti, RoundTripsEveryEncoding) {
  const auto img = sample_image();
  for (auto enc : {io::vti::Encoding::ascii, io::vti::Encoding::binary, io::vti::Encoding::binary_zlib}) {
    const auto back = io::vti::parse(io::vti::format(img, enc), "mem.vti");
    EXPECT_EQ(back.cells, img.cells);
    EXPECT_EQ(back.origin, img.origin);
    EXPECT_EQ(back.spacing, img.spacing);
    ASSERT_EQ(back.cell_data.size(), 3u);
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(back.cell_data[k].name, img.cell_data[k].name);
      EXPECT_EQ(back.cell_data[k].components, img.cell_data[k].components);
      EXPECT_EQ(back.cell_data[k].values, img.cell_data[k].values) << "array " << k << " encoding " << int(enc);
    }
  }
}

TEST(Vti, WrittenFilesFollowDamaskReaderLayout) {
  // 40^3 Int32 = 256000 bytes: eight zlib blocks of 32768 bytes, the last one partial.
  io::vti::ImageData img;
  img.cells = {40, 40, 40};
  std::vector<std::int32_t> ids(64000);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int32_t>((i / 37) % 101);
  img.cell_data.push_back({"material", 1, ids});
  for (bool zlib : {false, true}) {
    const auto text = io::vti::format(img, zlib ? io::vti::Encoding::binary_zlib : io::vti::Encoding::binary);
    std::istringstream lines(text);
    std::string line, b64;
    bool next_is_data = false;
    while (std::getline(lines, line)) {
      if (next_is_data) {
        b64 = line.substr(line.find_first_not_of(' '));
        break;
      }
      if (line.find("<DataArray") != std::string::npos) {
        EXPECT_NE(line.find("Name=\"material\""), std::string::npos);
        EXPECT_NE(line.find("format=\"binary\""), std::string::npos);
        next_is_data = true;
      }
      if (line.find("<VTKFile") != std::string::npos) {
        EXPECT_NE(line.find("type=\"ImageData\""), std::string::npos);
        EXPECT_NE(line.find("byte_order=\"LittleEndian\""), std::string::npos);
        EXPECT_EQ(line.find("vtkZLibDataCompressor") != std::string::npos, zlib);
      }
    }
    const auto bytes = damask_style_bytes(b64, zlib);
    ASSERT_EQ(bytes.size(), ids.size() * 4);
    EXPECT_EQ(std::memcmp(bytes.data(), ids.data(), bytes.size()), 0);
    EXPECT_EQ(io::vti::parse(text, "m.vti").cell_data[0].values, img.cell_data[0].values);
  }
}

TEST(Vti, WriteLeavesNoTemporaryAndReadsBack) {
  const auto path = mspipe::test_scratch::fresh_scratch_dir("vti_write") / "image.vti";
  io::vti::write(path, sample_image());
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  EXPECT_EQ(io::vti::read(path).cell_data[2].values, sample_image().cell_data[2].values);
}

TEST(Vti, ErrorsNameFileAndArray) {
  auto img = sample_image();
  img.cells = {16, 16, 16};
  std::vector<std::int32_t> ids(4095, 1);
  img.cell_data = {{"material", 1, ids}};
  // format() refuses inconsistent data; build the text with a correct grid, then shrink it.
  io::vti::ImageData ok = img;
  ok.cells = {4095, 1, 1};
  std::string text = io::vti::format(ok, io::vti::Encoding::binary);
  const std::string from = "0 4095 0 1 0 1", to = "0 16 0 16 0 16";
  for (std::size_t p; (p = text.find(from)) != std::string::npos;) text.replace(p, from.size(), to);
  try {
    io::vti::parse(text, "geom.vti");
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_STREQ(e.what(), "geom.vti: error: DataArray 'material' has 4095 values, the grid 16x16x16 needs 4096");
  }
  const auto expect_error = [](const std::string& t, const std::string& part) {
    try {
      io::vti::parse(t, "bad.vti");
      ADD_FAILURE() << "no error for " << part;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("bad.vti"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  const std::string good = io::vti::format(sample_image(), io::vti::Encoding::binary_zlib);
  auto swap = [&](std::string t, const std::string& a, const std::string& b) { return t.replace(t.find(a), a.size(), b); };
  expect_error(swap(good, "vtkZLibDataCompressor", "vtkLZ4DataCompressor"), "vtkLZ4DataCompressor");
  expect_error(swap(good, "type=\"ImageData\"", "type=\"PolyData\""), "PolyData");
  expect_error(swap(good, "format=\"binary\"", "format=\"appended\""), "DataArray 'material': format \"appended\"");
  expect_error(swap(good, "type=\"Float64\"", "type=\"Float128\""), "DataArray 'phi': unknown type");
  expect_error("hello", "not a VTK ImageData");
  EXPECT_THROW(io::vti::read("/nonexistent/geom.vti"), core::InputError);
  EXPECT_THROW(sample_image().get("nope", "x.vti"), core::InputError);
}

TEST(Vti, ReadsFilesWrittenByVtk) {
  // VTK 9.1's own writer: zlib-compressed binary with UInt64 headers, and ascii.
  const auto expected = read_ints(kData / "vtk9_expected_material.txt");
  for (const char* name : {"vtk9_zlib_uint64.vti", "vtk9_ascii.vti"}) {
    const auto img = io::vti::read(kData / name);
    EXPECT_EQ(img.cells, (std::array<int, 3>{5, 4, 3})) << name;
    EXPECT_EQ(img.origin, (std::array<double, 3>{1, -2, 0.5})) << name;
    EXPECT_EQ(img.spacing, (std::array<double, 3>{0.5, 0.25, 2})) << name;
    const auto& mat = img.get("material", name).as_int32(name);
    EXPECT_EQ(std::vector<int>(mat.begin(), mat.end()), expected) << name;
    const auto& euler = img.get("euler", name);
    ASSERT_EQ(euler.components, 3);
    const auto e = euler.as_double();
    const int n = 60;
    for (int i = 0; i < n; i += 7) {
      EXPECT_FLOAT_EQ(e[3 * i], static_cast<float>(double(i) / n)) << name;
      EXPECT_FLOAT_EQ(e[3 * i + 1], static_cast<float>(double(n - 1 - i) / n)) << name;
      EXPECT_FLOAT_EQ(e[3 * i + 2], 0.25f) << name;
    }
  }
}
