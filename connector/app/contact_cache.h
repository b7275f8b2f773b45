#pragma once
// Caller lookups, remembered for a while: a number that rings again (queue
// retries, call-backs) pops at once instead of waiting for the CRM. "No
// contact" is remembered too, for less time, so an unknown caller does not
// cost a CRM request per ring. A failed lookup is never cached.
// Thread-safe (lookups run on worker threads).
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "adapters/adapter.h"

namespace cti::app {

class ContactCache {
 public:
  using Clock = std::chrono::steady_clock;
  ContactCache(std::chrono::seconds found_ttl, std::chrono::seconds missing_ttl,
               std::size_t max_entries = 50000);

  // Outer nullopt: not cached (or expired). Inner nullopt: cached "no contact".
  std::optional<std::optional<adapters::Contact>> get(const std::string& number,
                                                      Clock::time_point now = Clock::now());
  void put(const std::string& number, std::optional<adapters::Contact> contact,
           Clock::time_point now = Clock::now());
  std::size_t size() const;

 private:
  struct Entry {
    std::optional<adapters::Contact> contact;
    Clock::time_point expires;
  };
  std::chrono::seconds found_ttl_, missing_ttl_;
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace cti::app
