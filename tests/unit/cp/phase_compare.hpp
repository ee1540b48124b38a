#pragma once
// Exact comparison of two phases' parameters (every member but the name), for the tests
// that read, write or build the same material in different ways.
#include <gtest/gtest.h>

#include <utility>

#include "cp/phase.hpp"

namespace mspipe::cp::test_support {

inline void expect_same_parameters(const Phase& a, const Phase& b) {
  EXPECT_EQ(a.lattice, b.lattice);
  EXPECT_EQ(a.c_over_a, b.c_over_a);
  EXPECT_EQ(a.C66, b.C66);
  EXPECT_EQ(a.C, b.C);
  const auto& p = a.plastic;
  const auto& q = b.plastic;
  EXPECT_EQ(p.n_sl, q.n_sl);
  EXPECT_EQ(p.n_tw, q.n_tw);
  EXPECT_EQ(p.N_sl, q.N_sl);
  EXPECT_EQ(p.N_tw, q.N_tw);
  EXPECT_EQ(p.P_sl, q.P_sl);
  EXPECT_EQ(p.P_tw, q.P_tw);
  for (const auto& [x, y] :
       {std::pair{&p.dot_gamma_0_sl, &q.dot_gamma_0_sl}, {&p.n_sl_exp, &q.n_sl_exp}, {&p.a_sl, &q.a_sl},
        {&p.h_0_sl_sl, &q.h_0_sl_sl}, {&p.xi_0_sl, &q.xi_0_sl}, {&p.xi_inf_sl, &q.xi_inf_sl},
        {&p.c_1, &q.c_1}, {&p.c_2, &q.c_2}, {&p.f_sat_sl_tw, &q.f_sat_sl_tw},
        {&p.dot_gamma_0_tw, &q.dot_gamma_0_tw}, {&p.n_tw_exp, &q.n_tw_exp}, {&p.h_0_tw_tw, &q.h_0_tw_tw},
        {&p.xi_0_tw, &q.xi_0_tw}, {&p.c_3, &q.c_3}, {&p.c_4, &q.c_4}, {&p.gamma_char, &q.gamma_char},
        {&p.h_0_tw_sl, &q.h_0_tw_sl}})
    EXPECT_EQ(*x, *y);
  for (const auto& [x, y] : {std::pair{&p.h_sl_sl, &q.h_sl_sl}, {&p.h_sl_tw, &q.h_sl_tw},
                             {&p.h_tw_sl, &q.h_tw_sl}, {&p.h_tw_tw, &q.h_tw_tw}}) {
    ASSERT_EQ(x->rows(), y->rows());
    ASSERT_EQ(x->cols(), y->cols());
    EXPECT_EQ(*x, *y);
  }
  EXPECT_EQ(p.atol_xi, q.atol_xi);
  EXPECT_EQ(p.atol_gamma, q.atol_gamma);
}

}  // namespace mspipe::cp::test_support
