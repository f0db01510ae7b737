#pragma once
// The order in which the RTL PE array (rtl/pe_pass.sv) takes a pass's operand beats and
// gives its results: per fold (row block outer, column block inner), the a stream (row
// edge, R lanes), the b stream (column edge, C lanes) and the result beats (C lanes).
// Stated once here for the co-simulation wrapper (rtl_pe_array.cpp) and the RTL's
// testbench (rtl/tb/tb_pe_pass.cpp); pe_pass.sv's header is the same table in words.
//
// The pass is the GEMM of timing::TileShape: K reduction terms, P output positions, M
// output channels; x(k, p) is an input term, w(m, k) a weight. A lane past the shape
// carries 0 (operands) or no sum (-1).
#include <cstddef>
#include <cstdint>

#include "model/config/arch_config.h"

namespace qacc {

class PassBeats {
 public:
  PassBeats(Dataflow dataflow, int rows, int cols, std::uint32_t k, std::uint32_t p, std::uint32_t m)
      : df_(dataflow), R_(static_cast<std::uint32_t>(rows)), C_(static_cast<std::uint32_t>(cols)), K_(k), P_(p), M_(m) {
    const bool os = df_ == Dataflow::kOutputStationary, ws = df_ == Dataflow::kWeightStationary;
    // The array's rows and columns: ws reduction x channels, os positions x channels,
    // is reduction x positions. A pass without MACs has no folds.
    const std::uint32_t rows_dim = std::uint64_t{K_} * P_ * M_ == 0 ? 0 : (os ? P_ : K_);
    const std::uint32_t cols_dim = ws || os ? M_ : P_;
    col_blocks_ = (cols_dim + C_ - 1) / C_;
    folds_ = std::size_t{(rows_dim + R_ - 1) / R_} * col_blocks_;
    a_per_fold_ = os ? K_ : ws ? P_ : M_;  // the streamed dimension T (os: the reduction)
    b_per_fold_ = os ? K_ : R_;            // ws, is: the stationary operand, a row a beat
    out_per_fold_ = os ? R_ : a_per_fold_;
  }

  std::size_t folds() const { return folds_; }
  std::size_t a_count() const { return folds_ * a_per_fold_; }
  std::size_t b_count() const { return folds_ * b_per_fold_; }
  std::size_t out_count() const { return folds_ * out_per_fold_; }

  // Beat n of the a stream into lanes[0..R).
  template <class X, class W>
  void a(std::size_t n, X&& x, W&& w, std::int32_t* lanes) const {
    const auto [r0, c0] = origin(n / a_per_fold_);
    static_cast<void>(c0);
    const auto t = static_cast<std::uint32_t>(n % a_per_fold_);
    for (std::uint32_t i = 0; i < R_; ++i) switch (df_) {
        case Dataflow::kOutputStationary: lanes[i] = x_at(x, t, r0 + i); break;  // term t of position r0+i
        case Dataflow::kWeightStationary: lanes[i] = x_at(x, r0 + i, t); break;  // position t's term r0+i
        case Dataflow::kInputStationary: lanes[i] = w_at(w, t, r0 + i); break;   // channel t's weight r0+i
      }
  }

  // Beat n of the b stream into lanes[0..C): ws and is load their stationary rows
  // bottom row first.
  template <class X, class W>
  void b(std::size_t n, X&& x, W&& w, std::int32_t* lanes) const {
    const auto [r0, c0] = origin(n / b_per_fold_);
    const auto q = static_cast<std::uint32_t>(n % b_per_fold_);
    const std::uint32_t row = r0 + R_ - 1 - q;
    for (std::uint32_t j = 0; j < C_; ++j) switch (df_) {
        case Dataflow::kOutputStationary: lanes[j] = w_at(w, c0 + j, q); break;
        case Dataflow::kWeightStationary: lanes[j] = w_at(w, c0 + j, row); break;
        case Dataflow::kInputStationary: lanes[j] = x_at(x, row, c0 + j); break;
      }
  }

  // Result beat n: per lane, the sum's index p * M + m, or -1. os drains its fold's
  // positions bottom row first.
  void out(std::size_t n, std::int64_t* index) const {
    const auto [r0, c0] = origin(n / out_per_fold_);
    const auto t = static_cast<std::uint32_t>(n % out_per_fold_);
    for (std::uint32_t j = 0; j < C_; ++j) switch (df_) {
        case Dataflow::kOutputStationary: index[j] = sum_index(r0 + R_ - 1 - t, c0 + j); break;
        case Dataflow::kWeightStationary: index[j] = sum_index(t, c0 + j); break;
        case Dataflow::kInputStationary: index[j] = sum_index(c0 + j, t); break;
      }
  }

 private:
  struct Origin {
    std::uint32_t r0, c0;
  };
  Origin origin(std::size_t fold) const {
    return {static_cast<std::uint32_t>(fold / col_blocks_) * R_, static_cast<std::uint32_t>(fold % col_blocks_) * C_};
  }
  template <class X>
  std::int32_t x_at(X& x, std::uint32_t k, std::uint32_t p) const {
    return k < K_ && p < P_ ? static_cast<std::int32_t>(x(k, p)) : 0;
  }
  template <class W>
  std::int32_t w_at(W& w, std::uint32_t m, std::uint32_t k) const {
    return m < M_ && k < K_ ? static_cast<std::int32_t>(w(m, k)) : 0;
  }
  std::int64_t sum_index(std::uint32_t p, std::uint32_t m) const {
    return p < P_ && m < M_ ? std::int64_t{p} * M_ + m : -1;
  }

  Dataflow df_;
  std::uint32_t R_, C_, K_, P_, M_;
  std::size_t folds_ = 0, col_blocks_ = 1, a_per_fold_ = 0, b_per_fold_ = 0, out_per_fold_ = 0;
};

}  // namespace qacc
