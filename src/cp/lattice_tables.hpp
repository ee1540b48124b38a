#pragma once
// Raw DAMASK v3.0.2 crystal tables (see lattice_tables.cpp). Directions then plane
// normals: [uvw](hkl) for cF, [uvtw](hkil) Miller–Bravais for hP.
#include <array>

namespace mspipe::cp::tables {

extern const std::array<std::array<int, 6>, 18> cf_slip;
extern const std::array<std::array<int, 8>, 30> hp_slip;
extern const std::array<std::array<int, 8>, 24> hp_twin;

extern const std::array<std::array<unsigned char, 18>, 18> cf_slip_slip;
extern const std::array<std::array<unsigned char, 30>, 30> hp_slip_slip;
extern const std::array<std::array<unsigned char, 24>, 24> hp_twin_twin;
extern const std::array<std::array<unsigned char, 24>, 30> hp_slip_twin;  // rows slip, cols twin
extern const std::array<std::array<unsigned char, 30>, 24> hp_twin_slip;  // rows twin, cols slip

}  // namespace mspipe::cp::tables
