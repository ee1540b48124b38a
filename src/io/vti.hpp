#pragma once
// VTK ImageData XML files (.vti) with cell data: what ParaView opens and what DAMASK_grid
// takes as geometry (its reader wants one tag per line, the base64 text on the line after
// its <DataArray> tag, LittleEndian, WholeExtent starting at 0).
//
// Reads ascii and inline binary arrays (Int32, Int64, Float32, Float64; UInt32 or UInt64
// headers; raw or vtkZLibDataCompressor). Writes binary with a UInt32 header, zlib
// compressed by default. Errors name the file and the array:
//   geom.vti: error: DataArray 'material' has 4095 values, the grid 16x16x16 needs 4096
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mspipe::io::vti {

// One cell-data array; values are x fastest, components interleaved per cell.
struct DataArray {
  std::string name;
  int components = 1;
  std::variant<std::vector<std::int32_t>, std::vector<float>, std::vector<double>> values;

  std::size_t size() const;  // number of stored values (cells x components)
  // Integer values (Int32 arrays only; an InputError otherwise, naming `file`).
  const std::vector<std::int32_t>& as_int32(std::string_view file) const;
  // Values converted to double (any type).
  std::vector<double> as_double() const;
};

struct ImageData {
  std::array<int, 3> cells{0, 0, 0};
  std::array<double, 3> origin{0, 0, 0};
  std::array<double, 3> spacing{1, 1, 1};
  std::vector<DataArray> cell_data;

  std::int64_t cell_count() const { return std::int64_t(cells[0]) * cells[1] * cells[2]; }
  const DataArray* find(std::string_view name) const;
  // The named array; an InputError naming `file` when it is missing.
  const DataArray& get(std::string_view name, std::string_view file) const;
};

enum class Encoding { ascii, binary, binary_zlib };

// Reads a .vti file; checks that every cell array holds cells x components values.
ImageData read(const std::filesystem::path& file);
ImageData parse(std::string_view text, std::string_view file_name);

// Writes `<file>.tmp` and renames it to `file`.
void write(const std::filesystem::path& file, const ImageData& image,
           Encoding encoding = Encoding::binary_zlib);
std::string format(const ImageData& image, Encoding encoding = Encoding::binary_zlib);

}  // namespace mspipe::io::vti
