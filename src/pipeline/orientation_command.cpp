// mspipe orientation reduce: Bunge triplets in, fundamental-zone representatives out.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/comm.hpp"
#include "core/errors.hpp"
#include "pipeline/command.hpp"
#include "texture/fundamental_zone.hpp"

namespace mspipe::pipeline {

namespace {

struct ReduceOptions {
  std::string lattice = "cubic";
  bool degrees = false;
  std::string input;  // empty: stdin
};

// Parses one line of three numbers separated by whitespace or commas. Blank lines and
// lines starting with '#' are skipped (returns false).
bool parse_triplet(const std::string& line, texture::Vec3& out, std::string& why) {
  std::string s = line;
  for (char& c : s)
    if (c == ',') c = ' ';
  std::istringstream is(s);
  std::string tok;
  std::vector<std::string> toks;
  while (is >> tok) toks.push_back(tok);
  if (toks.empty() || toks[0][0] == '#') return false;
  if (toks.size() != 3) {
    why = fmt::format("expected 3 Euler angles, found {} values", toks.size());
    throw std::invalid_argument(why);
  }
  for (int i = 0; i < 3; ++i) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(toks[i], &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != toks[i].size() || !std::isfinite(v)) {
      why = fmt::format("'{}' is not a finite number", toks[i]);
      throw std::invalid_argument(why);
    }
    out[i] = v;
  }
  return true;
}

// Round-off residue (1e-16, -0) would only obscure exact answers such as the identity.
double tidy(double v) { return std::fabs(v) < 1e-14 ? 0.0 : v; }

int run_reduce(const ReduceOptions& o, const core::Comm& world) {
  const auto lattice = texture::parse_lattice(o.lattice);
  // Small text conversion: rank 0 does it; other ranks only learn the outcome.
  std::string output;
  std::optional<std::string> err;
  if (world.rank() == 0) {
    std::ifstream file;
    if (!o.input.empty()) {
      file.open(o.input);
      if (!file) err = core::format_error(o.input, "cannot open input file");
    }
    std::istream& in = o.input.empty() ? std::cin : file;
    const std::string name = o.input.empty() ? "<stdin>" : o.input;
    const double to_rad = o.degrees ? M_PI / 180.0 : 1.0;
    std::string line;
    // Output is collected first, so nothing is printed for a file that fails.
    for (long lineno = 1; !err && std::getline(in, line); ++lineno) {
      texture::Vec3 e;
      std::string why;
      try {
        if (!parse_triplet(line, e, why)) continue;
      } catch (const std::invalid_argument&) {
        err = core::format_error(fmt::format("{}:{}", name, lineno), why);
        break;
      }
      const auto q = texture::reduce(texture::from_bunge(e[0] * to_rad, e[1] * to_rad, e[2] * to_rad), lattice);
      const auto r = texture::to_bunge(q);
      output += fmt::format("{:.12g} {:.12g} {:.12g} {:.12g} {:.12g} {:.12g} {:.12g}\n",
                            tidy(r[0] / to_rad), tidy(r[1] / to_rad), tidy(r[2] / to_rad),
                            tidy(q.w), tidy(q.x), tidy(q.y), tidy(q.z));
    }
  }
  core::raise_if_any(world, err, core::ExitCode::input);
  if (world.rank() == 0) std::cout << output << std::flush;
  return 0;
}

}  // namespace

void add_orientation_commands(CommandRegistry& reg) {
  auto* orientation = reg.app().add_subcommand("orientation", "Orientation utilities");
  orientation->require_subcommand(1);
  auto* reduce = orientation->add_subcommand(
      "reduce", "Reduce Bunge Euler triplets (one per line) to the fundamental zone; prints "
                "'phi1 Phi phi2 w x y z' per line");
  auto o = std::make_shared<ReduceOptions>();
  reduce->add_option("--lattice", o->lattice, "cubic or hexagonal")
      ->check(CLI::IsMember({"cubic", "hexagonal"}));
  reduce->add_flag("--degrees", o->degrees, "Angles in and out in degrees (default radians)");
  reduce->add_option("--input", o->input, "Input file (default: standard input)");
  reg.add(reduce, [o](const core::Comm& world) { return run_reduce(*o, world); });
}

}  // namespace mspipe::pipeline
