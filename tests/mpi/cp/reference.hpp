#pragma once
// Reading DAMASK v3.0.2 reference runs (tests/data/cp/case_*/result.csv) and building
// solver inputs from their DAMASK files.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cp/damask/damask_files.hpp"
#include "cp/spectral_solver.hpp"

namespace mspipe::cp::testing {

inline std::string case_dir(const std::string& c) {
  return std::string(MSPIPE_TEST_DATA_DIR) + "/cp/case_" + c;
}

// Rows of result.csv: increment, time, F (9), P (9), sigma (9), SI units, row-major.
inline std::vector<std::vector<double>> reference_rows(const std::string& c) {
  std::ifstream in(case_dir(c) + "/result.csv");
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == 'i') continue;
    std::stringstream ss(line);
    std::string cell;
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}
inline double ref_sigma(const std::vector<double>& row, int i, int j) { return row[20 + 3 * i + j]; }

// The case's material and load; the geometry from its geom.vti, or a single cell of the
// first material when `single_cell`.
inline GridMaterial case_grid(const std::string& c, bool single_cell) {
  GridMaterial g;
  damask::read_material(case_dir(c) + "/material.yaml", g);
  if (single_cell) {
    g.cells = {1, 1, 1};
    g.size = {1e-6, 1e-6, 1e-6};
    g.material = {0};
  } else {
    damask::read_geometry(case_dir(c) + "/geom.vti", g);
  }
  return g;
}

}  // namespace mspipe::cp::testing
