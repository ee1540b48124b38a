// Training-step throughput of the full VAE (forward, loss, backward, gradient all-reduce,
// Adam) in C++ LibTorch, for comparison with vae_step.py (same model in Python PyTorch).
//   [mpirun -n P] ml_vae_bench SIZE WIDTH HIDDEN LATENT BATCH ITERS [THREADS] [ARCH]
// Prints one line per rank count: seconds per step and per sample, samples/s, the
// all-reduce share of the step and the peak resident memory of the process.
#include <mpi.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/comm.hpp"
#include "ml/fused_adam.hpp"
#include "ml/gradient_allreduce.hpp"
#include "ml/loss.hpp"
#include "ml/model.hpp"

using namespace mspipe;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  {
    core::Comm world(MPI_COMM_WORLD);
    if (argc < 7) {
      if (world.rank() == 0)
        std::fprintf(stderr, "usage: ml_vae_bench SIZE WIDTH HIDDEN LATENT BATCH ITERS [THREADS] [ARCH] [shared|mpi]\n");
      MPI_Finalize();
      return 2;
    }
    ml::ModelOptions o;
    o.ve_size = std::stoi(argv[1]), o.width = std::stoi(argv[2]), o.hidden = std::stoi(argv[3]);
    o.latent = std::stoi(argv[4]);
    const int batch = std::stoi(argv[5]), iters = std::stoi(argv[6]);
    const int threads = argc > 7 ? std::stoi(argv[7]) : 1;
    ml::set_architecture(o, argc > 8 ? argv[8] : "resnet18");
    at::set_num_threads(threads);
    torch::manual_seed(0);
    ml::Vae vae(o);
    const bool mpi_method = argc > 9 && std::string(argv[9]) == "mpi";
    ml::GradientAllReduce sync(world, *vae, 0,
                               mpi_method ? ml::GradientAllReduce::Method::mpi
                                          : ml::GradientAllReduce::Method::shared_memory);
    sync.broadcast_parameters();
    ml::AdamSettings settings;
    settings.lr = 1e-5, settings.weight_decay = 1e-5;
    ml::FusedAdam adam(vae->parameters(), sync.flat_gradients(), settings);
    ml::LossOptions loss;
    auto x = torch::rand({batch, 3, o.ve_size, o.ve_size, o.ve_size});
    double t_step = 0, t_reduce = 0, t_adam = 0, t_wait = 0;
    for (int it = -1; it < iters; ++it) {  // iteration -1 warms up (allocations, oneDNN plans)
      world.barrier();
      const auto t0 = Clock::now();
      sync.zero_grad();
      auto out = vae->forward(x, torch::randn({batch, o.latent}));
      ml::vae_loss(out, x, loss).total.backward();
      // The barrier separates waiting for the slower rank (imbalance) from the reduction.
      const auto tw = Clock::now();
      world.barrier();
      if (it >= 0) t_wait += since(tw);
      sync.allreduce();
      const auto t1 = Clock::now();
      adam.step();
      if (it >= 0) t_step += since(t0), t_reduce += sync.last_seconds(), t_adam += since(t1);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const double step = world.max(t_step / iters), reduce = world.max(t_reduce / iters);
    const double adam_s = world.max(t_adam / iters), wait = world.max(t_wait / iters);
    const long peak_kb = world.max(static_cast<long>(ru.ru_maxrss));
    if (world.rank() == 0)
      std::printf("C++ %s %d^3 width %d hidden %d latent %d: %lld params, %d rank(s) x batch %d, %d thread(s): "
                  "%.3f s/step, %.4f s/sample, %.2f samples/s; all-reduce (%s) %.3f s (%.1f %% of the step), "
                  "waiting for the slower rank %.3f s; Adam %.3f s; peak RSS %.0f MB per rank\n",
                  o.architecture().c_str(), o.ve_size, o.width, o.hidden, o.latent,
                  static_cast<long long>(ml::parameter_count(*vae)), world.size(), batch, threads, step,
                  step / (batch * world.size()), batch * world.size() / step, mpi_method ? "MPI" : "shared memory", reduce, 100 * reduce / step, wait, adam_s,
                  peak_kb / 1024.0);
  }
  MPI_Finalize();
  return 0;
}
