#pragma once
// The surrogate: a fingerprint (or any fixed-length input) -> the 21-point sigma_zz curve,
// the study's network (L -> 512 LeakyReLU -> points sigmoid on min-max scaled stress),
// trained as an ensemble of K members whose spread is the predictive uncertainty.
// ml takes plain arrays: the pipeline reads campaign files and hands rows over. No
// LibTorch in this header.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace mspipe::ml {

struct SurrogateNetwork {
  std::vector<int> hidden{512};         // widths of the hidden layers (depth = size)
  std::string activation = "leaky_relu";  // leaky_relu (slope 0.01), relu, tanh, elu
};

struct SurrogateTraining {
  int epochs = 10000;
  double lr = 1e-5;
  int batch = 128;
  double weight_decay = 1e-5;
  // Early stopping: training ends when the validation MSE has not improved for this many
  // epochs, and the best epoch's weights are kept (0: no early stopping).
  int patience = 500;
  // "flat": lr throughout (the study). "plateau": lr halves after patience/4 epochs
  // without improvement, down to lr/64 (faster to a given error from a larger lr).
  std::string schedule = "flat";
  int ensemble = 5;  // members, each from its own initial weights and batch order
  std::uint64_t seed = 0;
  int threads = 1;  // LibTorch intra-op threads
};

struct SurrogateOptions {
  SurrogateNetwork network;
  SurrogateTraining training;
};

// What a model was trained on; a model is refused for data that does not match.
struct SurrogateMeta {
  std::string material;
  std::string load_case;
  std::string input_kind = "vae_fingerprint";  // what the inputs are
  std::int64_t inputs = 0;                     // fingerprint length L
  std::int64_t points = 0;                     // points per curve
  std::string campaign_digest;                 // identity digest of the training campaign
  std::vector<double> strain;                  // (points) eps_zz of each point
};

// Rows of (input, curve). x: rows * inputs; y: rows * points, Pa.
struct SurrogateRows {
  std::int64_t inputs = 0, points = 0;
  std::vector<std::int64_t> ve_id;
  std::vector<float> x;
  std::vector<double> y;
  std::int64_t size() const { return static_cast<std::int64_t>(ve_id.size()); }
};

// Per-epoch record of one member: mean training loss and validation MSE, both on the
// scaled curves, and seconds since that member started.
struct EpochRecord {
  int member = 0, epoch = 0;
  double train_mse = 0, validation_mse = 0, lr = 0, seconds = 0;
};
struct TrainLog {
  std::vector<EpochRecord> epochs;
  std::vector<int> best_epoch;  // per member
  double seconds = 0;
};
// Called after every epoch; returning false stops that member (the benchmark's
// "time to a target error" uses it).
using EpochHook = std::function<bool(const EpochRecord&)>;

// Curves in Pa: ensemble mean and standard deviation over members (rows * points each).
struct SurrogatePrediction {
  std::vector<double> mean_pa, std_pa;
};

class Surrogate {
 public:
  Surrogate();
  ~Surrogate();
  Surrogate(Surrogate&&) noexcept;
  Surrogate& operator=(Surrogate&&) noexcept;

  // Trains options.training.ensemble members on `train`, early-stopped on `validation`
  // (may be empty: then every epoch runs). Input standardisation and the min-max scaling
  // of the curves come from `train` and are stored with the model.
  static Surrogate train(const SurrogateRows& train, const SurrogateRows& validation,
                         const SurrogateOptions& options, const SurrogateMeta& meta,
                         TrainLog* log = nullptr, const EpochHook& hook = {});

  // x: rows * inputs. Throws core::InputError when x holds NaN/inf or its size does not
  // fit the model's input length (`source` names the data in the message).
  SurrogatePrediction predict(std::span<const float> x, std::int64_t rows,
                              const std::string& source = "input") const;

  // The same through LibTorch's forward pass (no input checks): the reference the
  // hand-written pass of predict() is tested against.
  SurrogatePrediction predict_reference(std::span<const float> x, std::int64_t rows) const;

  // The model file: weights of every member, scaling, options and meta, written under
  // `<file>.tmp` and renamed. load() throws core::InputError naming the file.
  void save(const std::filesystem::path& file) const;
  static Surrogate load(const std::filesystem::path& file);

  const SurrogateMeta& meta() const;
  const SurrogateOptions& options() const;
  int members() const;
  // "" when the model may be used for data described by `expected` (material, load case,
  // input length, points); otherwise why not, in words.
  std::string incompatibility(const SurrogateMeta& expected) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Where each row goes, by a rule over ids that does not depend on row order: a uniform
// number keyed by (seed, id) below test_fraction -> test, below test_fraction +
// validation_fraction -> validation, else train.
enum class SplitRole : std::int8_t { train = 0, validation = 1, test = 2 };
std::vector<SplitRole> split_by_id(std::span<const std::int64_t> ids, double test_fraction,
                                   double validation_fraction, std::uint64_t seed);
// The rows of `rows` whose role is `role`, in order.
SurrogateRows select_rows(const SurrogateRows& rows, const std::vector<SplitRole>& roles, SplitRole role);

// `n` of the rows (all when n is 0 or at least rows.size()), chosen by a rule over ids:
// the n smallest uniform numbers keyed by (seed, id), kept in row order. The choice for n
// is among that for any larger n (nested training sets for learning curves) and does not
// depend on row order.
SurrogateRows first_rows_by_id(const SurrogateRows& rows, std::int64_t n, std::uint64_t seed);

// Names and text form of the settings (stored in the model file, echoed in summaries).
std::string describe_options(const SurrogateOptions& o);

}  // namespace mspipe::ml
