#include "connector/pbx/ami/backoff.h"

#include <algorithm>

namespace cti::pbx::ami {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
                 std::uint64_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds{1})),
      max_(std::max(max, initial_)),
      rng_(seed) {}

std::chrono::milliseconds Backoff::ceiling() const {
  // Stop doubling once past the cap so the shift never overflows.
  const unsigned shift = std::min(attempt_, 30u);
  const auto scaled = initial_.count() * (std::int64_t{1} << shift);
  return std::chrono::milliseconds{std::min<std::int64_t>(scaled, max_.count())};
}

std::chrono::milliseconds Backoff::next() {
  const auto cap = ceiling();
  if (attempt_ < 64) ++attempt_;
  std::uniform_int_distribution<std::int64_t> dist(0, cap.count());
  return std::chrono::milliseconds{dist(rng_)};
}

}  // namespace cti::pbx::ami
