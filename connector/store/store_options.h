#pragma once
#include <chrono>
#include <cstdint>

#include "connector/core/time.h"

namespace cti::store {

struct StoreOptions {
  // Group commit pacing: the writer commits at most once per interval, so a
  // flood of events costs one transaction (and one fsync) per interval.
  std::chrono::milliseconds commit_interval{2};
  std::chrono::milliseconds busy_timeout{5000};
  // true: PRAGMA synchronous=FULL (see store.cpp for why this is the default).
  bool synchronous_full = true;
  // Stamps outbox created_at / next_attempt_at; nullptr = system clock.
  // Must outlive the store. Tests share one fake clock with the engine.
  const core::Clock* clock = nullptr;
};

// Counters since open (for tests, benchmarks and /metrics).
struct StoreStats {
  std::uint64_t commits = 0;         // transactions committed by the writer
  std::uint64_t failed_commits = 0;  // transactions rolled back
  std::uint64_t batches = 0;         // jobs (submits + outbox updates) committed
  std::uint64_t events = 0;          // call events written (incl. ignored duplicates)
  std::uint64_t records = 0;         // record upserts
  std::uint64_t deliveries = 0;      // outbox rows inserted (duplicates not counted)
};

}  // namespace cti::store
