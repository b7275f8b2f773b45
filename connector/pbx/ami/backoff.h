#pragma once
// Capped exponential backoff with full jitter: the n-th retry waits a uniform
// random time in [0, min(max, initial * 2^n)], so many connectors restarting
// together do not hammer the PBX in lockstep.
#include <chrono>
#include <cstdint>
#include <random>

namespace cti::pbx::ami {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);
  // The delay before the next attempt; each call doubles the ceiling.
  std::chrono::milliseconds next();
  // The ceiling the next call to next() will draw under.
  std::chrono::milliseconds ceiling() const;
  // After a success: start again from `initial`.
  void reset() { attempt_ = 0; }
  unsigned attempt() const { return attempt_; }

 private:
  std::chrono::milliseconds initial_, max_;
  unsigned attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace cti::pbx::ami
