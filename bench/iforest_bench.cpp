// IsolationForest::score and ::fit on synthetic data: 100 trees, psi = 256, Gaussian rows with
// `features` columns (first argument). items_per_second is rows scored (or fitted) per CPU-second on
// one thread; the second argument of BM_Score is the thread count.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ml/isolation_forest.h"
#include "ml/matrix.h"

namespace {

nta::Matrix gaussian(std::size_t rows, std::size_t cols) {
  nta::Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.values.resize(rows * cols);
  std::uint64_t s = 88172645463325252ULL;
  for (double& v : m.values) {
    s ^= s << 13U;
    s ^= s >> 7U;
    s ^= s << 17U;
    const double u1 = static_cast<double>(s >> 11U) * 0x1.0p-53 + 1e-12;
    s ^= s << 13U;
    s ^= s >> 7U;
    s ^= s << 17U;
    const double u2 = static_cast<double>(s >> 11U) * 0x1.0p-53;
    v = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  return m;
}

void BM_Score(benchmark::State& state) {
  const auto cols = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const nta::Matrix m = gaussian(1 << 16, cols);
  const nta::IsolationForest f = nta::IsolationForest::fit(m.view(), nta::ForestParams{});
  std::vector<double> out(m.rows);
  for (auto _ : state) {
    f.score(m.view(), out, threads);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(m.rows));
}
BENCHMARK(BM_Score)->Args({3, 1})->Args({20, 1})->Args({20, 2})->Args({274, 1})->UseRealTime();

void BM_ScoreRow(benchmark::State& state) {
  const auto cols = static_cast<std::size_t>(state.range(0));
  const nta::Matrix m = gaussian(1 << 14, cols);
  const nta::IsolationForest f = nta::IsolationForest::fit(m.view(), nta::ForestParams{});
  double sum = 0;
  for (auto _ : state) {
    for (std::size_t r = 0; r < m.rows; ++r) sum += f.score_row(m.row(r));
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(m.rows));
}
BENCHMARK(BM_ScoreRow)->Arg(20);

void BM_Explain(benchmark::State& state) {
  const nta::Matrix m = gaussian(1 << 14, 20);
  const nta::IsolationForest f = nta::IsolationForest::fit(m.view(), nta::ForestParams{});
  std::array<nta::IsolationForest::Credit, 3> top{};
  std::size_t n = 0;
  for (auto _ : state) {
    for (std::size_t r = 0; r < m.rows; ++r) n += f.explain(m.row(r), top);
  }
  benchmark::DoNotOptimize(n);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(m.rows));
}
BENCHMARK(BM_Explain);

void BM_ScoreAndExplain(benchmark::State& state) {
  const nta::Matrix m = gaussian(1 << 14, 20);
  const nta::IsolationForest f = nta::IsolationForest::fit(m.view(), nta::ForestParams{});
  std::array<nta::IsolationForest::Credit, 3> top{};
  double sum = 0;
  for (auto _ : state) {
    for (std::size_t r = 0; r < m.rows; ++r) sum += f.score_and_explain(m.row(r), top).score;
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(m.rows));
}
BENCHMARK(BM_ScoreAndExplain);

void BM_Fit(benchmark::State& state) {
  const auto cols = static_cast<std::size_t>(state.range(0));
  const nta::Matrix m = gaussian(1 << 16, cols);
  for (auto _ : state) {
    nta::IsolationForest f = nta::IsolationForest::fit(m.view(), nta::ForestParams{});
    benchmark::DoNotOptimize(f.nodes().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100);  // trees
}
BENCHMARK(BM_Fit)->Arg(20)->Arg(274);

}  // namespace

BENCHMARK_MAIN();
