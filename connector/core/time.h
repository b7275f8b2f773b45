#pragma once
// PBX time: microseconds since the Unix epoch, UTC. Every timestamp in the
// domain is one of these; clocks are injected, never read inside core.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cti::core {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

inline Timestamp from_unix_micros(std::int64_t us) {
  return Timestamp{std::chrono::microseconds{us}};
}
inline std::int64_t to_unix_micros(Timestamp t) { return t.time_since_epoch().count(); }

// "2026-11-28T15:13:29.778Z" (RFC 3339, UTC, milliseconds).
std::string format_rfc3339_ms(Timestamp t);
// Accepts RFC 3339 with or without fraction, 'Z' or numeric offset.
std::optional<Timestamp> parse_rfc3339(std::string_view text);
// AMI "Timestamp: 1795879455.442094" (seconds with fraction).
std::optional<Timestamp> parse_unix_seconds(std::string_view text);
// Seconds between two timestamps rounded to milliseconds (3 decimals); never negative.
double seconds_between(Timestamp from, Timestamp to);

// Injected clock (tests pass a fake).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};
class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace cti::core
