#pragma once
// Test helper: writes the parts of DAMASK's result layout (DADF5, v3.0.2) that
// cp::damask::read_dadf5 reads, for the fake DAMASK_grid and the reader's unit tests.
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "core/errors.hpp"
#include "io/hdf5.hpp"

namespace mspipe::test {

// /cell_to/phase: (cells, 1) compound of a space-padded label (as Fortran pads it) and
// the 0-based entry of the cell among its phase's rows.
inline void write_cell_to_phase(const io::h5::Group& root, const std::vector<std::string>& label_of_cell,
                                const std::vector<std::int64_t>& entry) {
  std::size_t len = 1;
  for (const auto& l : label_of_cell) len = std::max(len, l.size());
  const io::h5::Handle str(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(str.get(), len);
  H5Tset_strpad(str.get(), H5T_STR_SPACEPAD);
  const io::h5::Handle type(H5Tcreate(H5T_COMPOUND, len + 8), H5Tclose);
  H5Tinsert(type.get(), "label", 0, str.get());
  H5Tinsert(type.get(), "entry", len, H5T_STD_I64LE);
  std::vector<char> buf((len + 8) * entry.size(), ' ');
  for (std::size_t c = 0; c < entry.size(); ++c) {
    std::memcpy(&buf[c * (len + 8)], label_of_cell[c].data(), label_of_cell[c].size());
    std::memcpy(&buf[c * (len + 8) + len], &entry[c], 8);
  }
  const hsize_t dims[2] = {entry.size(), 1};
  const io::h5::Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
  const auto group = root.create_group("cell_to");
  const io::h5::Handle ds(H5Dcreate2(group.id(), "phase", type.get(), space.get(), H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!ds.valid() || H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
    throw core::InputError("cannot write /cell_to/phase");
}

// /increment_<n> with "t/s" and phase/<name>/mechanical/{F,P} of (rows, 3, 3), row-major.
inline void write_increment(const io::h5::Group& root, int n, double t,
                            const std::vector<std::string>& phase_names,
                            const std::vector<std::vector<double>>& F,
                            const std::vector<std::vector<double>>& P) {
  const auto g = root.create_group(fmt::format("increment_{}", n));
  g.write_attribute("t/s", t);
  const auto phases = g.create_group("phase");
  for (std::size_t p = 0; p < phase_names.size(); ++p) {
    const auto mech = phases.create_group(phase_names[p]).create_group("mechanical");
    const std::size_t rows = F[p].size() / 9;
    mech.write_dataset<double>("F", {rows, 3, 3}, F[p]);
    mech.write_dataset<double>("P", {rows, 3, 3}, P[p]).write_attribute("unit", "Pa");
  }
}

}  // namespace mspipe::test
