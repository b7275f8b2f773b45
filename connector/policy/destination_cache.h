#pragma once
// Recently classified numbers, so a number a CRM checks (to grey out a
// button) and then dials is parsed by libphonenumber once: its regexes are
// ~95% of a gate decision (bench/policy_bench: classify p50 24 us, the
// rules ~1 us). Bounded LRU; thread-safe; results (errors too) are a pure
// function of the text and the home region, so entries never go stale.
#include <cstddef>
#include <expected>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "connector/policy/destination.h"

namespace cti::policy {

class DestinationCache {
 public:
  using Result = std::expected<Destination, DestinationError>;
  DestinationCache(std::string home_region, std::size_t capacity)
      : region_(std::move(home_region)), capacity_(capacity ? capacity : 1) {}

  Result classify(std::string_view raw);
  std::size_t hits() const { return hits_; }
  std::size_t misses() const { return misses_; }

 private:
  using Entry = std::pair<std::string, Result>;
  std::string region_;
  std::size_t capacity_;
  std::mutex mu_;
  std::list<Entry> lru_;                                                    // most recent first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into lru_ keys
  std::size_t hits_ = 0, misses_ = 0;
};

}  // namespace cti::policy
