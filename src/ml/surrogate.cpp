#include "ml/surrogate.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

#include "core/errors.hpp"
#include "core/rng.hpp"
#include "ml/surrogate_network.hpp"

namespace mspipe::ml {

namespace nn = torch::nn;
// Rows per block of the plain forward pass (Impl::make_plain): 8 rows of 512 outputs
// stay in L1 while a weight row is applied to them.
constexpr std::int64_t kBlockRows = 8;

torch::nn::Sequential build_surrogate_network(const SurrogateNetwork& n, std::int64_t inputs,
                                              std::int64_t points) {
  nn::Sequential net;
  std::int64_t width = inputs;
  for (int h : n.hidden) {
    net->push_back(nn::Linear(width, h));
    if (n.activation == "leaky_relu") net->push_back(nn::LeakyReLU());
    else if (n.activation == "relu") net->push_back(nn::ReLU());
    else if (n.activation == "tanh") net->push_back(nn::Tanh());
    else if (n.activation == "elu") net->push_back(nn::ELU());
    else throw std::invalid_argument("unknown surrogate activation " + n.activation);
    width = h;
  }
  net->push_back(nn::Linear(width, points));
  net->push_back(nn::Sigmoid());
  return net;
}

std::string describe_options(const SurrogateOptions& o) {
  std::string hidden;
  for (int h : o.network.hidden) hidden += (hidden.empty() ? "" : ",") + std::to_string(h);
  const auto& t = o.training;
  return fmt::format("hidden={} activation={} epochs={} lr={} batch={} weight_decay={} patience={} "
                     "schedule={} ensemble={} seed={}",
                     hidden, o.network.activation, t.epochs, t.lr, t.batch, t.weight_decay, t.patience,
                     t.schedule, t.ensemble, t.seed);
}

SurrogateOptions parse_options(const std::string& text) {
  SurrogateOptions o;
  std::istringstream in(text);
  std::string item;
  while (in >> item) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw std::runtime_error("surrogate options: " + item);
    const auto key = item.substr(0, eq), value = item.substr(eq + 1);
    auto& t = o.training;
    if (key == "hidden") {
      o.network.hidden.clear();
      std::istringstream hs(value);
      std::string h;
      while (std::getline(hs, h, ',')) o.network.hidden.push_back(std::stoi(h));
    } else if (key == "activation") o.network.activation = value;
    else if (key == "epochs") t.epochs = std::stoi(value);
    else if (key == "lr") t.lr = std::stod(value);
    else if (key == "batch") t.batch = std::stoi(value);
    else if (key == "weight_decay") t.weight_decay = std::stod(value);
    else if (key == "patience") t.patience = std::stoi(value);
    else if (key == "schedule") t.schedule = value;
    else if (key == "ensemble") t.ensemble = std::stoi(value);
    else if (key == "seed") t.seed = std::stoull(value);
    else throw std::runtime_error("surrogate options: unknown " + key);
  }
  return o;
}

std::vector<SplitRole> split_by_id(std::span<const std::int64_t> ids, double test_fraction,
                                   double validation_fraction, std::uint64_t seed) {
  std::vector<SplitRole> roles(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    core::Rng rng(seed, static_cast<std::uint64_t>(ids[i]), "surrogate_split");
    const double u = rng.uniform();
    roles[i] = u < test_fraction                         ? SplitRole::test
               : u < test_fraction + validation_fraction ? SplitRole::validation
                                                         : SplitRole::train;
  }
  return roles;
}

SurrogateRows select_rows(const SurrogateRows& rows, const std::vector<SplitRole>& roles, SplitRole role) {
  SurrogateRows out;
  out.inputs = rows.inputs;
  out.points = rows.points;
  for (std::int64_t r = 0; r < rows.size(); ++r) {
    if (roles[static_cast<std::size_t>(r)] != role) continue;
    out.ve_id.push_back(rows.ve_id[r]);
    out.x.insert(out.x.end(), rows.x.begin() + r * rows.inputs, rows.x.begin() + (r + 1) * rows.inputs);
    out.y.insert(out.y.end(), rows.y.begin() + r * rows.points, rows.y.begin() + (r + 1) * rows.points);
  }
  return out;
}

SurrogateRows first_rows_by_id(const SurrogateRows& rows, std::int64_t n, std::uint64_t seed) {
  if (n <= 0 || n >= rows.size()) return rows;
  std::vector<std::pair<double, std::int64_t>> key;  // (u, id): ties (equal u) broken by id
  for (const auto id : rows.ve_id)
    key.emplace_back(core::Rng(seed, static_cast<std::uint64_t>(id), "surrogate_subset").uniform(), id);
  auto sorted = key;
  std::nth_element(sorted.begin(), sorted.begin() + (n - 1), sorted.end());
  const auto last = sorted[static_cast<std::size_t>(n - 1)];
  std::vector<SplitRole> roles;
  for (const auto& k : key) roles.push_back(k <= last ? SplitRole::train : SplitRole::test);
  return select_rows(rows, roles, SplitRole::train);
}

Surrogate::Surrogate() : impl_(std::make_unique<Impl>()) {}
Surrogate::~Surrogate() = default;
Surrogate::Surrogate(Surrogate&&) noexcept = default;
Surrogate& Surrogate::operator=(Surrogate&&) noexcept = default;
const SurrogateMeta& Surrogate::meta() const { return impl_->meta; }
const SurrogateOptions& Surrogate::options() const { return impl_->options; }
int Surrogate::members() const { return static_cast<int>(impl_->members.size()); }

std::string Surrogate::incompatibility(const SurrogateMeta& e) const {
  const auto& m = impl_->meta;
  std::string why;
  auto add = [&](const std::string& s) { why += (why.empty() ? "" : "; ") + s; };
  if (!e.material.empty() && e.material != m.material)
    add(fmt::format("the model is for material '{}', the data is '{}'", m.material, e.material));
  if (!e.load_case.empty() && e.load_case != m.load_case)
    add(fmt::format("the model is for load case '{}', the data is '{}'", m.load_case, e.load_case));
  if (e.inputs > 0 && e.inputs != m.inputs)
    add(fmt::format("the model takes fingerprints of {} values, the data has {}", m.inputs, e.inputs));
  if (e.points > 0 && e.points != m.points)
    add(fmt::format("the model predicts {} points per curve, the data has {}", m.points, e.points));
  return why;
}

void Surrogate::Impl::make_plain() {
  plain.clear();
  for (auto& net : members) {
    std::vector<PlainLayer> layers;
    for (std::size_t i = 0; i < net->size(); ++i) {
      if (auto lin = (*net)[i]->as<nn::Linear>()) {
        PlainLayer l;
        const auto w = lin->weight.detach().t().contiguous();
        l.in = w.size(0);
        l.out = w.size(1);
        l.weight_t.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
        const auto b = lin->bias.detach().contiguous();
        l.bias.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
        l.sigmoid = i + 2 == net->size();
        layers.push_back(std::move(l));
      }
    }
    plain.push_back(std::move(layers));
  }
}

namespace {

// Forward pass of `rows` standardised inputs (rows x in, row-major, in `a`) through
// plain layers; the result is left in `a`. Each weight row is loaded once per block of
// rows and applied to all of them from cache.
void plain_forward(const std::vector<PlainLayer>& layers, const std::string& activation, std::int64_t rows,
                   std::vector<float>& a, std::vector<float>& b) {
  for (const auto& l : layers) {
    b.resize(static_cast<std::size_t>(rows * l.out));
    for (std::int64_t r = 0; r < rows; ++r) std::copy(l.bias.begin(), l.bias.end(), b.begin() + r * l.out);
    for (std::int64_t i = 0; i < l.in; ++i) {
      const float* w = l.weight_t.data() + i * l.out;
      for (std::int64_t r = 0; r < rows; ++r) {
        const float xi = a[static_cast<std::size_t>(r * l.in + i)];
        float* y = b.data() + r * l.out;
        for (std::int64_t o = 0; o < l.out; ++o) y[o] += xi * w[o];
      }
    }
    for (auto& v : b) {
      if (l.sigmoid) v = 1.0f / (1.0f + std::exp(-v));
      else if (activation == "leaky_relu") v = v > 0 ? v : 0.01f * v;
      else if (activation == "relu") v = v > 0 ? v : 0.0f;
      else if (activation == "tanh") v = std::tanh(v);
      else v = v > 0 ? v : std::expm1(v);  // elu
    }
    std::swap(a, b);
  }
}

torch::Tensor to_tensor(std::span<const float> x, std::int64_t rows, std::int64_t cols) {
  return torch::from_blob(const_cast<float*>(x.data()), {rows, cols}, torch::kFloat32).clone();
}

double mse_of(nn::Sequential& net, const torch::Tensor& x, const torch::Tensor& y) {
  torch::NoGradGuard no_grad;
  net->eval();
  const double v = torch::mse_loss(net->forward(x), y).item<double>();
  net->train();
  return v;
}

void check_rows(const SurrogateRows& r, const char* what) {
  if (r.x.size() != static_cast<std::size_t>(r.size() * r.inputs) ||
      r.y.size() != static_cast<std::size_t>(r.size() * r.points))
    throw std::invalid_argument(fmt::format("surrogate: {} rows have inconsistent sizes", what));
}

}  // namespace

Surrogate Surrogate::train(const SurrogateRows& train, const SurrogateRows& validation,
                           const SurrogateOptions& options, const SurrogateMeta& meta, TrainLog* log,
                           const EpochHook& hook) {
  check_rows(train, "training");
  check_rows(validation, "validation");
  const auto& t = options.training;
  if (train.size() == 0) throw core::InputError("surrogate: no training rows");
  torch::set_num_threads(std::max(1, t.threads));
  Surrogate s;
  auto& m = *s.impl_;
  m.options = options;
  m.meta = meta;
  m.meta.inputs = train.inputs;
  m.meta.points = train.points;

  auto x = to_tensor(train.x, train.size(), train.inputs);
  m.x_mean = x.mean(0);
  // Inputs of very different scales (descriptors, fingerprints) train alike once standardised.
  m.x_scale = x.std(0, /*unbiased=*/false).clamp_min(1e-12);
  const auto [ymin, ymax] = std::minmax_element(train.y.begin(), train.y.end());
  m.y_min = *ymin;
  m.y_max = *ymax;
  if (!(m.y_max > m.y_min)) throw core::InputError("surrogate: every training curve value is the same");
  auto scale_y = [&](const SurrogateRows& r) {
    auto y = torch::from_blob(const_cast<double*>(r.y.data()), {r.size(), r.points}, torch::kFloat64);
    return ((y - m.y_min) / (m.y_max - m.y_min)).to(torch::kFloat32);
  };
  x = (x - m.x_mean) / m.x_scale;
  const auto y = scale_y(train);
  const bool early = validation.size() > 0;
  torch::Tensor xv, yv;
  if (early) {
    xv = (to_tensor(validation.x, validation.size(), validation.inputs) - m.x_mean) / m.x_scale;
    yv = scale_y(validation);
  }

  const auto start = std::chrono::steady_clock::now();
  const std::int64_t n = train.size(), batch = std::max(1, t.batch);
  for (int k = 0; k < std::max(1, t.ensemble); ++k) {
    torch::manual_seed(core::Rng(t.seed, static_cast<std::uint64_t>(k), "surrogate_member")() >> 1);
    auto net = build_surrogate_network(options.network, train.inputs, train.points);
    {
      // An untrained member predicts the training set's mean curve (the null model), so
      // training starts from "no skill" instead of from a flat curve at mid-range.
      torch::NoGradGuard g;
      auto out = (*net)[net->size() - 2]->as<nn::Linear>();
      out->bias.copy_(torch::logit(y.mean(0).clamp(1e-4, 1 - 1e-4)));
    }
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(t.lr).weight_decay(t.weight_decay));
    double lr = t.lr, best = std::numeric_limits<double>::infinity();
    int best_epoch = 0, since_best = 0, since_lr = 0;
    std::vector<torch::Tensor> best_state;
    const auto member_start = std::chrono::steady_clock::now();
    for (int epoch = 0; epoch < t.epochs; ++epoch) {
      const auto order = torch::randperm(n, torch::kInt64);
      double sum = 0;
      for (std::int64_t b = 0; b < n; b += batch) {
        const auto idx = order.slice(0, b, std::min(n, b + batch));
        opt.zero_grad();
        auto loss = torch::mse_loss(net->forward(x.index_select(0, idx)), y.index_select(0, idx));
        loss.backward();
        opt.step();
        sum += loss.item<double>() * static_cast<double>(idx.size(0));
      }
      EpochRecord rec{k, epoch, sum / static_cast<double>(n), early ? mse_of(net, xv, yv) : sum / n, lr, 0};
      rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - member_start).count();
      if (log) log->epochs.push_back(rec);
      if (rec.validation_mse < best) {
        best = rec.validation_mse;
        best_epoch = epoch;
        since_best = since_lr = 0;
        if (early) {
          torch::NoGradGuard g;
          best_state.clear();
          for (const auto& p : net->parameters()) best_state.push_back(p.detach().clone());
        }
      } else {
        ++since_best;
        ++since_lr;
      }
      if (hook && !hook(rec)) break;
      if (early && t.patience > 0 && since_best >= t.patience) break;
      if (t.schedule == "plateau" && since_lr >= std::max(1, t.patience / 4) && lr > t.lr / 64) {
        lr *= 0.5;
        since_lr = 0;
        for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
      }
    }
    if (early && !best_state.empty()) {
      torch::NoGradGuard g;
      auto params = net->parameters();
      for (std::size_t i = 0; i < params.size(); ++i) params[i].copy_(best_state[i]);
    }
    net->eval();
    if (log) log->best_epoch.push_back(best_epoch);
    m.members.push_back(net);
  }
  m.make_plain();
  if (log) log->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

SurrogatePrediction Surrogate::predict(std::span<const float> x, std::int64_t rows, const std::string& source) const {
  const auto& m = *impl_;
  if (rows < 0 || x.size() != static_cast<std::size_t>(rows * m.meta.inputs))
    throw core::InputError(core::format_error(
        source, fmt::format("fingerprints of {} values are needed by the model, got {} values for {} rows",
                            m.meta.inputs, x.size(), rows)));
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw core::InputError(core::format_error(
          source, fmt::format("row {} value {} is not a finite number", i / m.meta.inputs, i % m.meta.inputs)));
  SurrogatePrediction out;
  const auto P = m.meta.points;
  out.mean_pa.assign(static_cast<std::size_t>(rows * P), 0.0);
  out.std_pa.assign(out.mean_pa.size(), 0.0);
  if (rows == 0) return out;
  const double range = m.y_max - m.y_min;
  const auto L = m.meta.inputs;
  const float* mean = m.x_mean.data_ptr<float>();
  const float* scale = m.x_scale.data_ptr<float>();
  std::vector<float> a, b;
  std::vector<double> sum(static_cast<std::size_t>(kBlockRows * P)), sq(sum.size());
  const double k = static_cast<double>(m.plain.size());
  for (std::int64_t first = 0; first < rows; first += kBlockRows) {
    const auto n = std::min(kBlockRows, rows - first);
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(sq.begin(), sq.end(), 0.0);
    for (const auto& layers : m.plain) {
      a.resize(static_cast<std::size_t>(n * L));
      for (std::int64_t r = 0; r < n; ++r)
        for (std::int64_t i = 0; i < L; ++i) a[r * L + i] = (x[(first + r) * L + i] - mean[i]) / scale[i];
      plain_forward(layers, m.options.network.activation, n, a, b);
      for (std::int64_t j = 0; j < n * P; ++j) {
        const double v = a[j] * range + m.y_min;
        sum[j] += v;
        sq[j] += v * v;
      }
    }
    for (std::int64_t j = 0; j < n * P; ++j) {
      const double mu = sum[j] / k;
      out.mean_pa[first * P + j] = mu;
      out.std_pa[first * P + j] = k > 1 ? std::sqrt(std::max(0.0, (sq[j] - k * mu * mu) / (k - 1))) : 0.0;
    }
  }
  return out;
}

SurrogatePrediction Surrogate::predict_reference(std::span<const float> x, std::int64_t rows) const {
  const auto& m = *impl_;
  SurrogatePrediction out;
  out.mean_pa.resize(static_cast<std::size_t>(rows * m.meta.points));
  out.std_pa.resize(out.mean_pa.size());
  torch::InferenceMode guard;
  const auto xt = (torch::from_blob(const_cast<float*>(x.data()), {rows, m.meta.inputs}, torch::kFloat32) - m.x_mean) /
                  m.x_scale;
  std::vector<torch::Tensor> outs;
  for (auto net : m.members) outs.push_back(net->forward(xt));
  const auto stacked = torch::stack(outs).to(torch::kFloat64) * (m.y_max - m.y_min) + m.y_min;
  const auto mean = stacked.mean(0).contiguous();
  const auto sd = outs.size() > 1 ? stacked.std(0, /*unbiased=*/true).contiguous() : torch::zeros_like(mean);
  std::copy_n(mean.data_ptr<double>(), out.mean_pa.size(), out.mean_pa.begin());
  std::copy_n(sd.data_ptr<double>(), out.std_pa.size(), out.std_pa.begin());
  return out;
}

}  // namespace mspipe::ml
