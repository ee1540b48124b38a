#include "cp/damask/dadf5_reader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/core.h>

#include "core/errors.hpp"
#include "io/hdf5.hpp"

namespace mspipe::cp::damask {

namespace {

constexpr std::string_view kIncrementPrefix = "increment_";

// Where each cell's data lives: phase (index into `labels`) and row.
struct CellMap {
  std::vector<std::string> labels;
  std::vector<int> phase;
  std::vector<std::int64_t> entry;
};

std::string trimmed(const char* s, std::size_t n) {
  std::string out(s, n);
  const auto end = out.find_last_not_of(std::string(" \0", 2));
  return end == std::string::npos ? std::string() : out.substr(0, end + 1);
}

CellMap read_cell_map(const io::h5::Group& root) {
  const auto ds = root.group("cell_to").dataset("phase");
  const auto dims = ds.dims();
  if (dims.size() != 2) ds.fail("expected a (cells, constituents) compound dataset");
  if (dims[1] != 1) ds.fail(fmt::format("{} constituents per cell; only 1 is supported", dims[1]));
  // Members are read by name into memory types of our own, whatever the stored layout.
  const io::h5::Handle ftype(H5Dget_type(ds.id()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_COMPOUND) ds.fail("is not a compound dataset");
  const int il = H5Tget_member_index(ftype.get(), "label");
  const int ie = H5Tget_member_index(ftype.get(), "entry");
  if (il < 0 || ie < 0) ds.fail("has no 'label' and 'entry' members");
  const io::h5::Handle ltype(H5Tget_member_type(ftype.get(), unsigned(il)), H5Tclose);
  if (H5Tget_class(ltype.get()) != H5T_STRING || H5Tis_variable_str(ltype.get()) > 0)
    ds.fail("member 'label' is not a fixed-length string");
  const std::size_t len = H5Tget_size(ltype.get());
  const io::h5::Handle str(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(str.get(), len);
  H5Tset_strpad(str.get(), H5T_STR_NULLPAD);
  const io::h5::Handle mlabel(H5Tcreate(H5T_COMPOUND, len), H5Tclose);
  H5Tinsert(mlabel.get(), "label", 0, str.get());
  const io::h5::Handle mentry(H5Tcreate(H5T_COMPOUND, sizeof(std::int64_t)), H5Tclose);
  H5Tinsert(mentry.get(), "entry", 0, H5T_NATIVE_INT64);

  const std::size_t cells = dims[0];
  std::vector<char> labels(cells * len);
  CellMap map;
  map.entry.resize(cells);
  if (H5Dread(ds.id(), mlabel.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.data()) < 0 ||
      H5Dread(ds.id(), mentry.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, map.entry.data()) < 0)
    ds.fail("cannot be read");
  map.phase.resize(cells);
  for (std::size_t c = 0; c < cells; ++c) {
    const auto name = trimmed(&labels[c * len], len);
    auto it = std::find(map.labels.begin(), map.labels.end(), name);
    if (it == map.labels.end()) it = map.labels.insert(it, name);
    map.phase[c] = int(it - map.labels.begin());
    if (map.entry[c] < 0) ds.fail(fmt::format("cell {} has the negative entry {}", c, map.entry[c]));
  }
  return map;
}

// Increment numbers of the root's "increment_<n>" groups, ascending.
std::vector<int> increment_numbers(const io::h5::Group& root) {
  std::vector<int> out;
  auto visit = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    const std::string_view s(name);
    if (s.substr(0, kIncrementPrefix.size()) != kIncrementPrefix) return 0;
    const auto digits = s.substr(kIncrementPrefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return 0;
    static_cast<std::vector<int>*>(data)->push_back(std::stoi(std::string(digits)));
    return 0;
  };
  if (H5Literate(root.id(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, visit, &out) < 0)
    root.fail("cannot list the root group");
  std::sort(out.begin(), out.end());
  return out;
}

// The (entries, 3, 3) tensor dataset `name` of one phase; at least `rows` entries.
std::vector<double> read_tensor(const io::h5::Group& mech, const char* name, std::int64_t rows) {
  if (!mech.has(name))
    mech.fail(fmt::format("has no dataset '{}' (list it under the phase's mechanical output)", name));
  const auto ds = mech.dataset(name);
  const auto d = ds.dims();
  if (d.size() != 3 || d[1] != 3 || d[2] != 3) ds.fail("expected shape (entries, 3, 3)");
  if (std::int64_t(d[0]) < rows)
    ds.fail(fmt::format("has {} entries, /cell_to/phase refers to {}", d[0], rows));
  return ds.read_all<double>();
}

IncrementResult averages(const io::h5::Group& inc, const CellMap& map, int number) {
  const auto phases = inc.group("phase");
  std::vector<std::int64_t> rows(map.labels.size(), 0);
  for (std::size_t c = 0; c < map.entry.size(); ++c)
    rows[map.phase[c]] = std::max(rows[map.phase[c]], map.entry[c] + 1);
  std::vector<std::vector<double>> F(map.labels.size()), P(map.labels.size());
  for (std::size_t p = 0; p < map.labels.size(); ++p) {
    const auto mech = phases.group(map.labels[p]).group("mechanical");
    F[p] = read_tensor(mech, "F", rows[p]);
    P[p] = read_tensor(mech, "P", rows[p]);
  }
  // The sums of SpectralSolver's averages: per cell F, P and sym(P Fᵀ / det F), row-major.
  IncrementResult r;
  r.increment = number;
  r.time = inc.number_attribute("t/s");
  Mat3 sF = Mat3::Zero(), sP = Mat3::Zero(), sS = Mat3::Zero();
  for (std::size_t c = 0; c < map.entry.size(); ++c) {
    const std::size_t at = 9 * std::size_t(map.entry[c]);
    const Mat3 Fc = Eigen::Map<const Mat3>(&F[map.phase[c]][at]);
    const Mat3 Pc = Eigen::Map<const Mat3>(&P[map.phase[c]][at]);
    const Mat3 sigma = Pc * Fc.transpose() / Fc.determinant();
    sF += Fc;
    sP += Pc;
    sS += 0.5 * (sigma + sigma.transpose());
  }
  const double n = double(map.entry.size());
  r.F_avg = sF / n;
  r.P_avg = sP / n;
  r.sigma_avg = sS / n;
  return r;
}

}  // namespace

SimulationResult read_dadf5(const std::filesystem::path& file) {
  const auto f = io::h5::File::open(file);
  const auto& root = f.root();
  if (!root.has("cell_to")) root.fail_in_file("no /cell_to group: not a DAMASK result file");
  const auto map = read_cell_map(root);
  if (map.entry.empty()) root.fail_in_file("/cell_to/phase has no cells");
  SimulationResult out;
  for (int n : increment_numbers(root))
    out.increments.push_back(averages(root.group(fmt::format("{}{}", kIncrementPrefix, n)), map, n));
  if (out.increments.empty()) root.fail_in_file("no increment_<n> group: DAMASK wrote no results");
  return out;
}

std::map<int, StaIncrement> read_sta(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw core::InputError(core::format_error(file.string(), "cannot open the file"));
  std::map<int, StaIncrement> out;
  std::string line;
  std::getline(in, line);  // header
  int current = -1, start_level = 0, last_level = 0, highest = 0;
  for (int no = 2; std::getline(in, line); ++no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::istringstream s(line);
    int inc = 0, level = 0, iterations = 0;
    double time = 0;
    std::string converged;
    if (!(s >> inc >> time >> level >> converged >> iterations) || level < 0 || iterations < 0 ||
        (converged != "T" && converged != "F"))
      throw core::InputError(core::format_error(fmt::format("{}:{}", file.string(), no),
                                                "expected 'increment time cutback_level T|F iterations ...'"));
    if (inc != current) {
      start_level = std::max(0, last_level - 1);
      current = inc;
      highest = level;
    }
    highest = std::max(highest, level);
    last_level = level;
    auto& r = out[inc];
    r.iterations += iterations;
    r.sub_steps += 1;
    r.cutbacks = std::max(0, highest - start_level);
  }
  return out;
}

}  // namespace mspipe::cp::damask
