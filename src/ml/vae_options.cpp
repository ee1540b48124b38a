#include "ml/vae_options.hpp"

#include <fmt/core.h>

#include <sstream>
#include <stdexcept>

#include "core/config.hpp"

namespace mspipe::ml {

std::array<int, 4> blocks_for(const std::string& architecture) {
  if (architecture == "resnet12") return {1, 1, 1, 1};
  if (architecture == "resnet18") return {2, 2, 2, 2};
  if (architecture == "resnet34") return {3, 4, 6, 3};
  throw std::invalid_argument("unknown architecture " + architecture);
}

void set_architecture(ModelOptions& m, const std::string& architecture) {
  if (architecture == "plain_conv") {
    m.family = Family::plain;
    return;
  }
  m.family = Family::resnet;
  m.blocks = blocks_for(architecture);
}

std::string ModelOptions::architecture() const {
  if (family == Family::plain) return "plain_conv";
  for (const char* name : {"resnet12", "resnet18", "resnet34"})
    if (blocks_for(name) == blocks) return name;
  return fmt::format("custom[{},{},{},{}]", blocks[0], blocks[1], blocks[2], blocks[3]);
}

VaeConfig read_vae_config(const core::Section& vae, std::uint64_t seed, int threads) {
  using core::Range;
  VaeConfig c;
  c.keys = {vae.ref("ve_size"), vae.ref("batch_size"), vae.ref("device"), vae.ref("norm"), vae.ref("output_dir"),
            vae.ref("autocast")};
  auto& m = c.model;
  set_architecture(m, vae.string("architecture", "resnet18", {"resnet12", "resnet18", "resnet34", "plain_conv"}));
  m.width = static_cast<int>(vae.integer("width", 64, Range::between(1, 4096)));
  m.latent = static_cast<int>(vae.integer("latent", 256, Range::between(1, 1 << 20)));
  m.hidden = static_cast<int>(vae.integer("hidden", 8192, Range::between(1, 1 << 24)));
  m.ve_size = static_cast<int>(vae.integer("ve_size", 64, Range::between(16, 1024)));
  if (m.ve_size % 16 != 0)
    vae.fail("ve_size", fmt::format("must be a multiple of 16 (four stride-2 stages), got {}", m.ve_size));
  const auto norm = vae.string("norm", "group", {"group", "batch"});
  m.norm = norm == "batch" ? Norm::batch : Norm::group;
  m.norm_groups = static_cast<int>(vae.integer("norm_groups", 8, Range::between(1, 1024)));
  m.noise = noise_from_name(vae.string("noise", "per_sample", {"per_sample", "shared", "none"}));
  m.representation = vae.string("representation", "euler", {"euler", "quaternion"}) == "quaternion"
                         ? Representation::quaternion
                         : Representation::euler;

  auto& l = c.loss;
  l.alpha = vae.number("alpha", 0.999, Range::between(0, 1));
  l.beta = vae.number("beta", 0.0, Range::non_negative());
  l.spectral_weight = vae.number("spectral_weight", 1.0, Range::non_negative());
  m.orientation_features = vae.boolean("orientation_features", false);
  l.texture_weight = vae.number("texture_weight", 0.0, Range::non_negative());
  l.phi4_weight = vae.number("phi4_weight", 0.0, Range::non_negative());
  if (m.representation == Representation::quaternion && l.alpha > 0)
    vae.fail("alpha", fmt::format("must be 0 with representation = \"quaternion\" (BCE compares values in [0, 1] "
                                  "with the data; a quaternion's components are not), got {}",
                                  l.alpha));
  if (l.texture_weight > 0) m.texture_moments = kOrientationMoments;
  l.bce = vae.string("bce", "input_as_target", {"input_as_target", "paper_reversed"}) == "paper_reversed"
              ? BceForm::paper_reversed
              : BceForm::input_as_target;

  auto& t = c.train;
  t.lr = vae.number("lr", 1e-5, Range::positive());
  t.weight_decay = vae.number("weight_decay", 1e-5, Range::non_negative());
  t.amsgrad = vae.boolean("amsgrad", false);
  t.decoupled_weight_decay = vae.string("optimizer", "adam", {"adam", "adamw"}) == "adamw";
  t.lr_schedule = vae.string("lr_schedule", "constant", {"constant", "cosine"}) == "cosine" ? LrSchedule::cosine
                                                                                         : LrSchedule::constant;
  t.warmup_steps = vae.integer("warmup_steps", 0, Range::non_negative());
  t.final_lr_ratio = vae.number("final_lr_ratio", 0.0, Range::between(0, 1));
  t.shared_memory_allreduce = vae.string("allreduce", "shared_memory", {"shared_memory", "mpi"}) == "shared_memory";
  t.batch_size = static_cast<int>(vae.integer("batch_size", 8, Range::between(1, 1 << 20)));
  t.epochs = static_cast<int>(vae.integer("epochs", 1, Range::between(1, 1 << 20)));
  t.test_fraction = vae.number("test_fraction", 0.1, Range::open_between(0, 1));
  t.checkpoint_every = vae.integer("checkpoint_every", 100, Range::non_negative());
  t.max_steps = vae.integer("max_steps", 0, Range::non_negative());
  t.phi4_samples = static_cast<int>(vae.integer("phi4_samples", 8, Range::non_negative()));
  t.threads = static_cast<int>(vae.integer("threads", threads, Range::between(1, 1024)));
  t.seed = static_cast<std::uint64_t>(vae.integer("seed", static_cast<std::int64_t>(seed), Range::non_negative()));
  t.device = vae.string("device", "cpu", {"cpu", "cuda"});
  t.bf16_autocast = vae.string("autocast", "off", {"off", "bf16"}) == "bf16";
  t.progress_interval_s = vae.number("progress_interval_s", 10.0, Range::positive());
  c.output_dir = vae.string("output_dir", "vae");

  auto d = vae.section("data");
  c.data.source = d.string("source", std::nullopt, {"ve_set", "generate", "synthetic"});
  // Without a file, the pipeline reads the VE set the generate stage writes.
  if (c.data.source == "ve_set") c.data.ve_set = d.string("file", "");
  // 0 = every VE of the file (ve_set) or generate.count (generate); synthetic needs a count.
  const bool synthetic = c.data.source == "synthetic";
  c.data.count = d.integer("count", synthetic ? std::nullopt : std::optional<std::int64_t>(0),
                           synthetic ? Range::at_least(2) : Range::non_negative());
  if (c.data.source != "ve_set") c.data.first_id = d.integer("first_id", 0, Range::non_negative());
  if (c.data.source == "synthetic")
    c.data.synthetic_grains = static_cast<int>(d.integer("grains", 12, Range::between(1, 100000)));
  d.finish();
  return c;
}

Noise noise_from_name(const std::string& name) {
  if (name == "per_sample") return Noise::per_sample;
  if (name == "shared") return Noise::shared;
  if (name == "none") return Noise::none;
  throw std::invalid_argument("unknown noise " + name);
}

const char* noise_name(Noise n) {
  switch (n) {
    case Noise::shared: return "shared";
    case Noise::none: return "none";
    default: return "per_sample";
  }
}

std::string describe_model_options(const ModelOptions& m) {
  // The family is written only when it is not the resnet, so that the resnets' text (and
  // the checkpoints written before the family existed) stays as it was.
  return fmt::format("blocks={},{},{},{} width={} latent={} hidden={} ve_size={} channels={} norm={} "
                     "norm_groups={} noise={}{}{}{}{}",
                     m.blocks[0], m.blocks[1], m.blocks[2], m.blocks[3], m.width, m.latent, m.hidden,
                     m.ve_size, m.channels, m.norm == Norm::batch ? "batch" : "group", m.norm_groups,
                     noise_name(m.noise), m.family == Family::plain ? " family=plain" : "",
                     m.texture_moments > 0 ? fmt::format(" texture={}", m.texture_moments) : "",
                     m.orientation_features ? " features=moments" : "",
                     m.representation == Representation::quaternion ? " representation=quaternion" : "");
}

ModelOptions parse_model_options(const std::string& text) {
  ModelOptions m;
  std::istringstream in(text);
  std::string item;
  int seen = 0;
  while (in >> item) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("bad model description item " + item);
    const auto key = item.substr(0, eq), value = item.substr(eq + 1);
    ++seen;
    if (key == "blocks") {
      if (std::sscanf(value.c_str(), "%d,%d,%d,%d", &m.blocks[0], &m.blocks[1], &m.blocks[2], &m.blocks[3]) != 4)
        throw std::invalid_argument("bad blocks " + value);
    } else if (key == "width") m.width = std::stoi(value);
    else if (key == "latent") m.latent = std::stoi(value);
    else if (key == "hidden") m.hidden = std::stoi(value);
    else if (key == "ve_size") m.ve_size = std::stoi(value);
    else if (key == "channels") m.channels = std::stoi(value);
    else if (key == "norm") m.norm = value == "batch" ? Norm::batch : Norm::group;
    else if (key == "norm_groups") m.norm_groups = std::stoi(value);
    else if (key == "noise") m.noise = noise_from_name(value);
    else if (key == "family") {
      if (value != "plain") throw std::invalid_argument("unknown model family " + value);
      m.family = Family::plain;
      --seen;  // optional
    } else if (key == "features") {
      if (value != "moments") throw std::invalid_argument("unknown encoder features " + value);
      m.orientation_features = true;
      --seen;  // optional
    } else if (key == "representation") {
      if (value != "quaternion") throw std::invalid_argument("unknown orientation representation " + value);
      m.representation = Representation::quaternion;
      --seen;  // optional
    } else if (key == "texture") {
      m.texture_moments = std::stoi(value);
      if (m.texture_moments != kOrientationMoments)
        throw std::invalid_argument("texture head of " + value + " moments (this build has " +
                                    std::to_string(kOrientationMoments) + ")");
      --seen;  // optional
    } else throw std::invalid_argument("unknown model description key " + key);
  }
  if (seen != 9) throw std::invalid_argument("incomplete model description: " + text);
  return m;
}

}  // namespace mspipe::ml
