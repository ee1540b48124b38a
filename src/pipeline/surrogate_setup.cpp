#include "pipeline/surrogate_setup.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/comm.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "pipeline/stage.hpp"

namespace mspipe::pipeline {

SurrogateSetup read_surrogate_setup(const core::Section& root, const std::filesystem::path& output_dir,
                                    std::uint64_t seed, int threads) {
  SurrogateSetup s;
  s.run_seed = seed;
  s.threads = threads;
  const auto sec = root.section("surrogate");
  s.campaign = sec.string("campaign", (output_dir / "campaign.h5").string());
  s.campaign_where = sec.where("campaign");
  s.output_dir = sec.string("output_dir", "surrogate");
  s.output_dir_where = sec.where("output_dir");
  if (s.output_dir.is_relative()) s.output_dir = output_dir / s.output_dir;
  s.vae_checkpoint = sec.string("vae_checkpoint", "");
  if (auto split = sec.optional_section("split")) {
    s.test_fraction = split->number("test_fraction", 0.1, core::Range::open_between(0, 1));
    s.validation_fraction = split->number("validation_fraction", 0.1, core::Range::between(0, 0.9));
    if (s.test_fraction + s.validation_fraction >= 1)
      split->fail("validation_fraction", "test_fraction + validation_fraction must be below 1");
    s.split_seed = static_cast<std::uint64_t>(split->integer("seed", static_cast<std::int64_t>(seed),
                                                             core::Range::non_negative()));
    split->finish();
  } else {
    s.split_seed = seed;
  }
  auto& n = s.options.network;
  if (auto net = sec.optional_section("network")) {
    const auto hidden = net->integers("hidden", std::vector<std::int64_t>{512}, 0, core::Range::between(1, 1 << 16));
    if (hidden.empty()) net->fail("hidden", "needs at least one hidden layer");
    n.hidden.assign(hidden.begin(), hidden.end());
    n.activation = net->string("activation", "leaky_relu", {"leaky_relu", "relu", "tanh", "elu"});
    net->finish();
  }
  auto& t = s.options.training;
  t.seed = seed;
  t.threads = threads;
  if (auto tr = sec.optional_section("training")) {
    t.epochs = static_cast<int>(tr->integer("epochs", t.epochs, core::Range::between(1, 1e8)));
    t.lr = tr->number("lr", t.lr, core::Range::positive());
    t.batch = static_cast<int>(tr->integer("batch", t.batch, core::Range::between(1, 1 << 24)));
    t.weight_decay = tr->number("weight_decay", t.weight_decay, core::Range::non_negative());
    t.patience = static_cast<int>(tr->integer("patience", t.patience, core::Range::between(0, 1e8)));
    t.schedule = tr->string("schedule", t.schedule, {"flat", "plateau"});
    t.ensemble = static_cast<int>(tr->integer("ensemble", t.ensemble, core::Range::between(1, 1000)));
    t.seed = static_cast<std::uint64_t>(tr->integer("seed", static_cast<std::int64_t>(seed), core::Range::non_negative()));
    t.threads = static_cast<int>(tr->integer("threads", threads, core::Range::positive()));
    tr->finish();
  }
  if (auto cmp = sec.optional_section("compare")) {
    s.compare_inputs = cmp->strings("inputs", s.compare_inputs);
    for (const auto& in : s.compare_inputs)
      if (in != "null" && in != "control" && in != "physics" && in != "two_point" && in != "fingerprint")
        cmp->fail("inputs", fmt::format("unknown input \"{}\" (null, control, physics, two_point, fingerprint)", in));
    s.vae_checkpoint = cmp->string("vae_checkpoint", s.vae_checkpoint.string());
    s.ve_set = cmp->string("ve_set", "");
    if (auto fps = cmp->optional_section("fingerprints")) {
      for (const auto& name : fps->keys()) {
        // Relative to the working directory, as surrogate.vae_checkpoint; compare reads
        // each before any work or folder (an unreadable one is named there).
        s.extra_fingerprints.emplace_back(name, fps->string(name));
      }
      fps->finish();
    }
    if (cmp->has("learning_curve")) {
      std::string why;
      s.learning_curve = parse_training_sizes(cmp->string("learning_curve"), &why);
      if (!why.empty()) cmp->fail("learning_curve", why);
    }
    cmp->finish();
  }
  sec.finish();
  return s;
}

std::vector<std::int64_t> parse_training_sizes(const std::string& text, std::string* error) {
  std::vector<std::int64_t> sizes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(',', start), text.size());
    auto item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == "all") {
      sizes.push_back(0);
    } else {
      std::size_t used = 0;
      long long n = 0;
      try {
        n = std::stoll(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != item.size() || n < 2) {
        *error = fmt::format("expected training-set sizes of at least 2 or \"all\", separated by commas "
                             "(\"250,500,all\"), found \"{}\"", item);
        return {};
      }
      sizes.push_back(n);
    }
    start = end + 1;
  }
  // "all" (0) last, the others increasing.
  std::sort(sizes.begin(), sizes.end(), [](auto a, auto b) { return a != 0 && (b == 0 || a < b); });
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

SurrogateSetup load_surrogate_setup(const std::filesystem::path& config, const core::Comm& world) {
  const auto cfg = core::load_config(config, world);
  const auto ctx = read_run_context(cfg.root(), config);
  return read_surrogate_setup(cfg.root(), ctx.output_dir, ctx.seed, ctx.threads);
}

SurrogateSetup with_overrides(SurrogateSetup s, const SetupOverrides& o) {
  if (!o.campaign.empty()) s.campaign = o.campaign, s.campaign_where.clear();
  if (!o.output_dir.empty()) s.output_dir = o.output_dir, s.output_dir_where.clear(), s.output_dir_origin = "--output-dir";
  return s;
}

std::string campaign_digest(const io::CampaignIdentity& id) {
  std::string strain;
  for (double e : id.strain) strain += fmt::format("{:.17g},", e);
  return io::text_digest(fmt::format("seed={}\ngenerator={}\nmaterial={}\nload_case={}\nengine={}\nvae={}\nL={}\n"
                                     "points={}\nstrain={}\n",
                                     id.seed, id.generator_digest, id.material, id.load_case, id.engine,
                                     id.vae_checkpoint_digest, id.fingerprint_length, id.points, strain));
}

CampaignRows read_campaign_rows(const std::filesystem::path& file) {
  auto f = io::read_campaign_file(file);
  CampaignRows c;
  c.identity = f.identity;
  c.records = static_cast<std::int64_t>(f.rows.size());
  const auto L = f.identity.fingerprint_length, P = f.identity.points;
  auto& r = c.rows;
  r.inputs = L;
  r.points = P;
  for (std::size_t i = 0; i < f.rows.size(); ++i) {
    if (f.rows.status[i] != 0) continue;
    const auto row = static_cast<std::int64_t>(i);
    r.ve_id.push_back(f.rows.ve_id[i]);
    r.x.insert(r.x.end(), f.rows.fingerprint.begin() + row * L, f.rows.fingerprint.begin() + (row + 1) * L);
    for (std::int64_t p = 0; p < P; ++p) r.y.push_back(f.rows.stress[(row * P + p) * 6 + 2]);  // sigma_33
    c.wall_s.push_back(f.rows.wall_s[i]);
  }
  if (r.size() == 0)
    throw core::InputError(core::format_error(
        file.string(), fmt::format("no converged record among its {} (the surrogate trains on converged curves only)",
                                   c.records)));
  for (std::size_t i = 0; i < r.x.size(); ++i)
    if (!std::isfinite(r.x[i]))
      throw core::InputError(core::format_error(
          file.string(), fmt::format("/fingerprint of VE {} holds a value that is not a finite number",
                                     r.ve_id[i / static_cast<std::size_t>(L)])));
  for (std::size_t i = 0; i < r.y.size(); ++i)
    if (!std::isfinite(r.y[i]))
      throw core::InputError(core::format_error(
          file.string(), fmt::format("/stress of converged VE {} holds a value that is not a finite number",
                                     r.ve_id[i / static_cast<std::size_t>(P)])));
  c.meta.material = f.identity.material;
  c.meta.load_case = f.identity.load_case;
  c.meta.inputs = L;
  c.meta.points = P;
  c.meta.strain = f.identity.strain;
  c.meta.campaign_digest = campaign_digest(f.identity);
  return c;
}

}  // namespace mspipe::pipeline
