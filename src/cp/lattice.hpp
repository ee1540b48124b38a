#pragma once
// Slip and twin systems of the cF and hP Bravais lattices in the crystal frame
// (hP: x ∥ a1, z ∥ c), their Schmid tensors, interaction matrices and twin shears,
// following DAMASK v3.0.2's tables and conventions.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cp/tensor.hpp"

namespace mspipe::cp {

enum class Bravais { cF, hP };

Bravais parse_bravais(std::string_view pearson);  // "cF" | "hP"; throws std::invalid_argument
std::string_view bravais_name(Bravais b);

// Maximum number of systems in each family (the lengths N_sl / N_tw may have).
std::span<const int> slip_families(Bravais b);
std::span<const int> twin_families(Bravais b);  // empty for cF (twinning unsupported)

struct SlipSystem {
  Vec3 direction;  // unit vector, crystal frame
  Vec3 normal;     // unit vector, crystal frame
  Mat3 schmid() const { return direction * normal.transpose(); }
};

// Active systems: the first N[f] systems of each family f, in table order. Throws
// std::invalid_argument when N has too many families or a family too many systems.
std::vector<SlipSystem> slip_systems(Bravais b, std::span<const int> n, double c_over_a);
std::vector<SlipSystem> twin_systems(Bravais b, std::span<const int> n, double c_over_a);

// Miller–Bravais [uvtw] and (hkil) to Cartesian (unnormalised), DAMASK's convention.
Vec3 hex_direction(double u, double v, double w, double c_over_a);
Vec3 hex_normal(double h, double k, double l, double c_over_a);

// Interaction matrices, rows = reacting (hardened) system, columns = acting system;
// entry = values[type - 1] of the lattice's type table. Throws std::invalid_argument
// naming the table when `values` is too short for a used type.
using Matrix = Eigen::MatrixXd;
Matrix slip_slip_interaction(Bravais b, std::span<const int> n_sl, std::span<const double> values);
Matrix twin_twin_interaction(Bravais b, std::span<const int> n_tw, std::span<const double> values);
Matrix slip_twin_interaction(Bravais b, std::span<const int> n_sl, std::span<const int> n_tw,
                             std::span<const double> values);  // rows slip
Matrix twin_slip_interaction(Bravais b, std::span<const int> n_tw, std::span<const int> n_sl,
                             std::span<const double> values);  // rows twin

// Characteristic twin shear per active twin system (hP families as DAMASK v3.0.2).
std::vector<double> twin_shear(Bravais b, std::span<const int> n_tw, double c_over_a);

}  // namespace mspipe::cp
