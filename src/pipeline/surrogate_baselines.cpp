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
#include "pipeline/ve_sources.hpp"
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
