#include <gtest/gtest.h>

#include "core/comm.hpp"
#include "ml/gradient_allreduce.hpp"
#include "ml/model.hpp"

namespace mspipe::ml {
namespace {

ModelOptions tiny(Norm norm) {
  ModelOptions o;
  o.ve_size = 16, o.width = 4, o.hidden = 32, o.latent = 8, o.blocks = {1, 1, 1, 1}, o.norm = norm;
  return o;
}

// Sum over ranks of a tensor, for comparisons.
torch::Tensor summed(const core::Comm& comm, const torch::Tensor& t) {
  auto c = t.detach().clone().contiguous();
  MPI_Allreduce(MPI_IN_PLACE, c.data_ptr<float>(), static_cast<int>(c.numel()), MPI_FLOAT, MPI_SUM, comm.get());
  return c;
}

TEST(GradientAllReduce, BroadcastGivesEveryRankRankZerosWeights) {
  core::Comm comm(MPI_COMM_WORLD);
  torch::manual_seed(100 + comm.rank());  // different weights per rank
  Vae vae(tiny(Norm::batch));
  GradientAllReduce sync(comm, *vae);
  sync.broadcast_parameters();
  for (const auto& p : vae->parameters()) {
    auto mean = summed(comm, p) / comm.size();
    EXPECT_TRUE(torch::equal(mean, p.detach())) << "parameters differ across ranks";
  }
}

// Both reductions (shared-memory window and plain MPI_Allreduce) must give the average.
class AllReduceMethod : public ::testing::TestWithParam<GradientAllReduce::Method> {};

TEST_P(AllReduceMethod, AveragesGradientsAndBatchNormStatisticsInOneBuffer) {
  core::Comm comm(MPI_COMM_WORLD);
  torch::manual_seed(7);
  Vae vae(tiny(Norm::batch));
  GradientAllReduce sync(comm, *vae, 1, GetParam());
  sync.broadcast_parameters();
  torch::manual_seed(200 + comm.rank());  // different data per rank
  auto x = torch::rand({2, 3, 16, 16, 16});
  sync.zero_grad();
  vae->train();
  vae->forward(x).x_hat.mean().backward();
  EXPECT_TRUE(sync.gradients_are_views());  // autograd accumulated into the flat buffer
  std::vector<torch::Tensor> local_grads, local_stats;
  for (const auto& p : vae->parameters()) local_grads.push_back(p.grad().clone());
  for (const auto& b : vae->buffers())
    if (b.is_floating_point()) local_stats.push_back(b.clone());
  sync.extra()[0] = static_cast<float>(comm.rank() + 1);
  sync.allreduce();
  auto params = vae->parameters();
  for (std::size_t i = 0; i < params.size(); ++i)
    EXPECT_TRUE(torch::allclose(params[i].grad(), summed(comm, local_grads[i]) / comm.size(), 1e-5, 1e-7));
  std::size_t k = 0;
  for (const auto& b : vae->buffers())
    if (b.is_floating_point()) {
      EXPECT_TRUE(torch::allclose(b, summed(comm, local_stats[k]) / comm.size(), 1e-5, 1e-7));
      ++k;
    }
  EXPECT_GT(k, 0u);
  const int n = comm.size();
  EXPECT_EQ(sync.extra()[0], static_cast<float>(n * (n + 1) / 2));  // extras are summed
  // Every rank holds the same averaged gradients, bit for bit.
  auto g = sync.flat_gradients();
  auto lo = g.clone(), hi = g.clone();
  MPI_Allreduce(MPI_IN_PLACE, lo.data_ptr<float>(), static_cast<int>(lo.numel()), MPI_FLOAT, MPI_MIN, comm.get());
  MPI_Allreduce(MPI_IN_PLACE, hi.data_ptr<float>(), static_cast<int>(hi.numel()), MPI_FLOAT, MPI_MAX, comm.get());
  EXPECT_TRUE(torch::equal(lo, hi));
}

INSTANTIATE_TEST_SUITE_P(GradientAllReduce, AllReduceMethod,
                         ::testing::Values(GradientAllReduce::Method::shared_memory, GradientAllReduce::Method::mpi));

}  // namespace
}  // namespace mspipe::ml
