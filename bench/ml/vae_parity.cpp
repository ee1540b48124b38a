// Writes what the Python twin (bench/ml/vae_parity.py) needs to repeat a short C++
// training run step by step: the initial parameters and buffers, every step's batch and
// noise, and the loss terms the C++ step computed on them.
//   ml_vae_parity SIZE WIDTH HIDDEN LATENT BATCH STEPS OUT.pt [ARCH] [LR] [group|batch]
// OUT.pt is a pickled dict (torch.load reads it): "param/<name>", "buffer/<name>",
// "x/<step>", "eps/<step>", and "bce", "spectral", "total" (one value per step).
#include <mpi.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/comm.hpp"
#include "ml/evaluation.hpp"
#include "ml/fused_adam.hpp"
#include "ml/gradient_allreduce.hpp"
#include "ml/loss.hpp"
#include "ml/model.hpp"

using namespace mspipe;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rc = 0;
  {
    core::Comm world(MPI_COMM_WORLD);
    if (argc < 8) {
      std::fprintf(stderr, "usage: ml_vae_parity SIZE WIDTH HIDDEN LATENT BATCH STEPS OUT.pt [ARCH] [LR] [group|batch]\n");
      MPI_Finalize();
      return 2;
    }
    ml::ModelOptions o;
    o.ve_size = std::stoi(argv[1]), o.width = std::stoi(argv[2]), o.hidden = std::stoi(argv[3]);
    o.latent = std::stoi(argv[4]);
    const int batch = std::stoi(argv[5]), steps = std::stoi(argv[6]);
    const std::string out = argv[7];
    ml::set_architecture(o, argc > 8 ? argv[8] : "resnet12");
    const double lr = argc > 9 ? std::stod(argv[9]) : 1e-3;
    if (argc > 10 && std::string(argv[10]) == "batch") o.norm = ml::Norm::batch;
    at::set_num_threads(1);
    torch::manual_seed(0);
    ml::Vae vae(o);
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& p : vae->named_parameters()) dict.insert("param/" + p.key(), p.value().detach().clone());
    for (const auto& b : vae->named_buffers()) dict.insert("buffer/" + b.key(), b.value().detach().clone());
    ml::GradientAllReduce sync(world, *vae, 0, ml::GradientAllReduce::Method::mpi);
    ml::AdamSettings settings;
    settings.lr = lr, settings.weight_decay = 1e-5;
    ml::FusedAdam adam(vae->parameters(), sync.flat_gradients(), settings);
    const auto source = ml::make_synthetic_source(1, 0, std::int64_t(batch) * steps, o.ve_size, 8);
    std::vector<std::int64_t> ids(static_cast<std::size_t>(batch));
    auto bce = torch::empty({steps}, torch::kFloat64), spectral = torch::empty_like(bce), total = torch::empty_like(bce);
    ml::LossOptions loss;
    for (int s = 0; s < steps; ++s) {
      for (int i = 0; i < batch; ++i) ids[i] = std::int64_t(s) * batch + i;
      const auto x = ml::load_batch(*source, ids);
      const auto eps = torch::randn({batch, o.latent});
      dict.insert("x/" + std::to_string(s), x);
      dict.insert("eps/" + std::to_string(s), eps);
      sync.zero_grad();
      const auto t = ml::vae_loss(vae->forward(x, eps), x, loss);
      t.total.backward();
      sync.allreduce();
      adam.step();
      bce[s] = t.bce.item<double>(), spectral[s] = t.spectral.item<double>(), total[s] = t.total.item<double>();
    }
    dict.insert("bce", bce);
    dict.insert("spectral", spectral);
    dict.insert("total", total);
    const auto bytes = torch::pickle_save(c10::IValue(dict));
    std::ofstream(out, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::printf("C++ %s: %d steps written to %s; total loss %.6g -> %.6g\n", o.architecture().c_str(), steps,
                out.c_str(), total[0].item<double>(), total[steps - 1].item<double>());
  }
  MPI_Finalize();
  return rc;
}
