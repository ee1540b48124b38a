#include "pipeline/surrogate_baselines.hpp"

#include <fmt/core.h>

#include <stdexcept>

#include "core/config.hpp"
#include "core/errors.hpp"

// The descriptors and 2-point statistics come from src/analysis when it is built.
#if MSPIPE_HAVE_ANALYSIS
#include "analysis/descriptors.hpp"
#include "analysis/pca.hpp"
#include "ml/surrogate.hpp"
#endif

namespace mspipe::pipeline {

microstructure::GeneratorParams generator_of(const io::CampaignIdentity& id, const std::string& source) {
  try {
    const auto cfg = core::Config::parse(id.generator, source + ":generator");
    return microstructure::parse_generator_params(cfg.root().section("generate"));
  } catch (const core::CollectiveError& e) {
    throw core::InputError(core::format_error(
        source, fmt::format("the generator parameters stored with the campaign do not parse: {}", e.what())));
  }
}

microstructure::VolumeElement coarse_ve(const microstructure::VolumeElement& fine, int f) {
  if (f < 1 || fine.size % f != 0)
    throw std::invalid_argument(fmt::format("cannot downsample {}^3 voxels by {}", fine.size, f));
  microstructure::VolumeElement ve;
  ve.id = fine.id;
  ve.size = fine.size / f;
  ve.resolution = fine.resolution * f;
  ve.grains = fine.grains;
  const std::size_t D = static_cast<std::size_t>(fine.size), n = static_cast<std::size_t>(ve.size);
  const std::size_t F = static_cast<std::size_t>(f), nv = n * n * n, nf = D * D * D;
  ve.grain_id.resize(nv);
  ve.euler.resize(3 * nv);
  for (std::size_t z = 0; z < n; ++z)
    for (std::size_t y = 0; y < n; ++y)
      for (std::size_t x = 0; x < n; ++x) {
        const std::size_t v = x + n * (y + n * z), u = F * x + D * (F * y + D * F * z);
        ve.grain_id[v] = fine.grain_id[u];
        for (std::size_t c = 0; c < 3; ++c) ve.euler[c * nv + v] = fine.euler[c * nf + u];
      }
  return ve;
}

#if MSPIPE_HAVE_ANALYSIS

BaselineInputs baseline_inputs(const std::string& kind, const CampaignRows& c, const SurrogateSetup& s,
                               std::int64_t components, int downsample) {
  const auto params = generator_of(c.identity, s.campaign.string());
  const analysis::Crystal crystal{params.lattice == texture::Lattice::hexagonal ? cp::Bravais::hP : cp::Bravais::cF};
  BaselineInputs b;
  std::vector<std::vector<double>> rows;
  microstructure::VolumeElement ve;
  try {
    for (const auto id : c.rows.ve_id) {
      microstructure::generate_ve(params, c.identity.seed, id, ve);
      const auto seen = downsample > 1 ? coarse_ve(ve, downsample) : ve;
      rows.push_back(kind == "physics" ? analysis::descriptors(seen, crystal)
                                       : analysis::two_point_statistics(seen, crystal.lattice));
    }
    auto x = analysis::stack_rows(rows);
    if (kind == "two_point") {
      // PCA to the fingerprint's length, fitted on the training rows only (the same split
      // rule as the surrogate's), so no test VE shapes the inputs.
      const auto roles = ml::split_by_id(c.rows.ve_id, s.test_fraction, s.validation_fraction, s.split_seed);
      std::vector<Eigen::Index> train;
      for (std::size_t i = 0; i < roles.size(); ++i)
        if (roles[i] == ml::SplitRole::train) train.push_back(static_cast<Eigen::Index>(i));
      const auto pca = analysis::fit_pca(x(train, Eigen::all), static_cast<int>(components));
      x = pca.project(x);
    }
    b.length = x.cols();
    b.x.resize(static_cast<std::size_t>(x.rows() * x.cols()));
    for (Eigen::Index r = 0; r < x.rows(); ++r)
      for (Eigen::Index k = 0; k < x.cols(); ++k) b.x[static_cast<std::size_t>(r * x.cols() + k)] = static_cast<float>(x(r, k));
  } catch (const std::invalid_argument& e) {
    throw core::InputError(core::format_error(s.campaign.string(), fmt::format("{} inputs: {}", kind, e.what())));
  }
  return b;
}

#else

BaselineInputs baseline_inputs(const std::string& kind, const CampaignRows&, const SurrogateSetup&, std::int64_t, int) {
  BaselineInputs b;
  b.note = fmt::format("{}: the analysis module is not in this build", kind);
  return b;
}

#endif

}  // namespace mspipe::pipeline
