// The dialing gate's data structures at scale (issue 4 targets):
// - DNC: 20,000,000 numbers imported from a file (< 30 s), bytes per entry
//   (< 20), lookup latency p99 (< 1 us), hits and misses mixed;
// - rate table: 200,000 prefixes, lookup time (< 200 ns);
// - the whole gate decision (libphonenumber parse included), p99 (< 20 us).
// Percentiles come from timing each operation with steady_clock (about
// 20 ns of the figure is the clock itself).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>

#include "connector/policy/destination_cache.h"
#include "connector/policy/dnc_import.h"
#include "connector/policy/gate.h"

namespace {

using namespace cti::policy;
using Clock = std::chrono::steady_clock;

double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
}

void BM_DncImport20M(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const std::string path = "/tmp/cti-policy-bench-dnc.txt";
  {
    std::ofstream out(path, std::ios::binary);
    std::string buf;
    for (std::size_t i = 0; i < n; ++i) {
      // Distinct numbers in scrambled order: i * 7919 mod 9e7 is a bijection.
      buf += "+346";
      buf += std::to_string(10000000 + (i * 7919) % 90000000);
      buf += '\n';
      if (buf.size() > (1 << 20)) out << buf, buf.clear();
    }
    out << buf;
  }
  DncSet set;
  double import_s = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    std::ifstream in(path, std::ios::binary);
    DncImporter imp(DncKind::Numbers);
    std::vector<char> chunk(1 << 20);
    while (in.read(chunk.data(), std::streamsize(chunk.size())) || in.gcount() > 0)
      imp.feed(std::string_view(chunk.data(), std::size_t(in.gcount())));
    set = DncSet(imp.finish());
    import_s = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  std::remove(path.c_str());
  // Lookups: half present, half absent, in random order.
  std::mt19937_64 rng(2);
  std::vector<std::uint64_t> probes;
  for (int i = 0; i < 1'000'000; ++i)
    probes.push_back(i % 2
                         ? set.keys()[rng() % set.size()]
                         : *dnc_key_for_e164("+347" + std::to_string(10000000 + rng() % 89999999)));
  std::vector<double> ns;
  ns.reserve(probes.size());
  std::size_t hits = 0;
  for (auto k : probes) {
    const auto t0 = Clock::now();
    hits += set.contains(k);
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
  }
  state.counters["entries"] = double(set.size());
  state.counters["import_s"] = import_s;
  state.counters["bytes_per_entry"] = double(set.memory_bytes()) / double(set.size());
  state.counters["lookup_p50_ns"] = percentile(ns, 0.50);
  state.counters["lookup_p99_ns"] = percentile(ns, 0.99);
  state.counters["hits"] = double(hits);
}
BENCHMARK(BM_DncImport20M)->Arg(20'000'000)->Iterations(1)->Unit(benchmark::kSecond);

RateTable make_rates(std::size_t n, std::vector<std::string>& numbers) {
  std::mt19937_64 rng(3);
  RateTable t;
  while (t.size() < n) {
    Rate r;
    r.prefix = std::to_string(1 + rng() % 9);
    const std::size_t len = 4 + rng() % 5;
    while (r.prefix.size() < len) r.prefix += char('0' + rng() % 10);
    r.per_min = double(rng() % 1000) / 1000.0;
    r.currency = "EUR";
    numbers.push_back("+" + r.prefix + std::to_string(100000 + rng() % 899999));
    t.add(std::move(r));
  }
  return t;
}

void BM_RateLookup200k(benchmark::State& state) {
  std::vector<std::string> numbers;
  const RateTable t = make_rates(200'000, numbers);
  std::shuffle(numbers.begin(), numbers.end(), std::mt19937_64(4));
  std::size_t i = 0, found = 0;
  for (auto _ : state) {
    found += t.lookup(numbers[i]) != nullptr;
    if (++i == numbers.size()) i = 0;
  }
  benchmark::DoNotOptimize(found);
  state.counters["prefixes"] = double(t.size());
  state.counters["trie_MB"] = double(t.memory_bytes()) / 1e6;
}
BENCHMARK(BM_RateLookup200k);

// 20,000 click-to-calls from 50 agents, half to Madrid fixed lines and half
// to London, on a Monday morning (inside Spain's calling hours).
std::vector<DialRequest> dial_requests(unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<DialRequest> reqs;
  for (int i = 0; i < 20000; ++i) {
    DialRequest r;
    r.agent = "agent" + std::to_string(i % 50);
    r.to = i % 2 ? "+3491" + std::to_string(1000000 + rng() % 8999999)
                 : "+44207946" + std::to_string(1000 + rng() % 8999);
    r.now = *cti::core::parse_rfc3339("2026-11-30T10:00:00Z");
    reqs.push_back(std::move(r));
  }
  return reqs;
}

void BM_GateDecision(benchmark::State& state) {
  std::vector<std::string> numbers;
  const RateTable rates = make_rates(200'000, numbers);
  PolicyConfig cfg;
  cfg.allowed_countries = {"ES", "GB", "FR", "DE", "IT", "US"};
  cfg.virtual_numbers = {{"+34910000001",
                          {"ES"},
                          {"3491"},
                          {Purpose::Commercial, Purpose::Service},
                          NumberType::FixedLine},
                         {"+442079460001",
                          {"GB"},
                          {"4420"},
                          {Purpose::Commercial, Purpose::Service},
                          NumberType::FixedLine}};
  cfg.default_line = "+34910000001";
  const std::vector<DialRequest> reqs = dial_requests(5);
  PolicyState st;
  std::vector<double> us;
  std::size_t i = 0, allowed = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    allowed += decide(reqs[i], cfg, st, &rates).allowed;
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (++i == reqs.size()) i = 0;
  }
  benchmark::DoNotOptimize(allowed);
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
}
BENCHMARK(BM_GateDecision)->Iterations(200000)->Unit(benchmark::kMicrosecond);

// The two halves of a decision: libphonenumber's classification alone, and
// the rules on a destination already classified (what a cache hit costs).
void BM_ClassifyDestination(benchmark::State& state) {
  std::vector<std::string> numbers;
  for (auto& r : dial_requests(6)) numbers.push_back(std::move(r.to));
  std::vector<double> us;
  std::size_t i = 0, valid = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    valid += classify_destination(numbers[i], "ES").has_value();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (++i == numbers.size()) i = 0;
  }
  benchmark::DoNotOptimize(valid);
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
}
BENCHMARK(BM_ClassifyDestination)->Iterations(200000)->Unit(benchmark::kMicrosecond);

// A decision for a number classified before (the Dialer's DestinationCache:
// a CRM checks a number to grey out its button, then dials it).
void BM_GateDecisionCachedNumber(benchmark::State& state) {
  std::vector<std::string> numbers;
  const RateTable rates = make_rates(200'000, numbers);
  PolicyConfig cfg;
  cfg.allowed_countries = {"ES", "GB"};
  cfg.virtual_numbers = {{"+34910000001",
                          {"ES"},
                          {"3491"},
                          {Purpose::Commercial, Purpose::Service},
                          NumberType::FixedLine}};
  cfg.default_line = "+34910000001";
  DestinationCache cache("ES", 32768);
  const std::vector<DialRequest> reqs = dial_requests(7);
  for (const auto& r : reqs) (void)cache.classify(r.to);  // warm
  PolicyState st;
  std::vector<double> us;
  std::size_t i = 0, allowed = 0;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const auto dest = cache.classify(reqs[i].to);
    if (dest) allowed += decide(reqs[i], *dest, cfg, st, &rates).allowed;
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (++i == reqs.size()) i = 0;
  }
  benchmark::DoNotOptimize(allowed);
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
}
BENCHMARK(BM_GateDecisionCachedNumber)->Iterations(200000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
