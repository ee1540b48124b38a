#include "cp/phenopowerlaw.hpp"

#include <cmath>

#include "cp/phenopowerlaw_kinetics.hpp"

namespace mspipe::cp {

void initial_state(const PhenoPowerLaw& p, double* s) {
  for (int i = 0; i < p.n_sl; ++i) s[p.i_xi_sl() + i] = p.xi_0_sl[i];
  for (int i = 0; i < p.n_tw; ++i) s[p.i_xi_tw() + i] = p.xi_0_tw[i];
  for (int i = 0; i < p.n_sl; ++i) s[p.i_gamma_sl() + i] = 0.0;
  for (int i = 0; i < p.n_tw; ++i) s[p.i_gamma_tw() + i] = 0.0;
}

void lp_with_slopes(const PhenoPowerLaw& p, const Mat3& Mp, const double* state, Mat3& Lp,
                    double* dgamma_dtau) {
  const double untwinned = p.n_tw > 0 ? 1.0 - twinned(p, state) : 1.0;
  M3<double> lp;
  lp_and_slopes(p, m3(Mp), state + p.i_xi_sl(), untwinned, lp, dgamma_dtau);
  for (int i = 0; i < 9; ++i) Lp.data()[i] = lp[i];
}

void lp_derivative(const PhenoPowerLaw& p, const double* dgamma_dtau, T4& dLp_dMp) {
  std::array<double, 81> d;
  lp_slope_derivative(p, dgamma_dtau, d);
  for (int i = 0; i < 81; ++i) dLp_dMp.data()[i] = d[i];
}

void plastic_velocity_gradient(const PhenoPowerLaw& p, const Mat3& Mp, const double* state,
                               Mat3& Lp, T4* dLp_dMp) {
  double slope[kMaxSlip + kMaxTwin];
  lp_with_slopes(p, Mp, state, Lp, slope);
  if (dLp_dMp) lp_derivative(p, slope, *dLp_dMp);
}

void state_rate(const PhenoPowerLaw& p, const Mat3& Mp, const double* state, double* dot,
                const TwinStep* implicit_fraction) {
  if (implicit_fraction)
    state_rate_of(p, m3(Mp), state, dot, implicit_fraction->state0, implicit_fraction->dt);
  else
    state_rate_of<double>(p, m3(Mp), state, dot, nullptr, 0.0);
}

}  // namespace mspipe::cp
