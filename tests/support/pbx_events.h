#pragma once
// Builders for hand-written PBX event streams (tracker tests and the
// scenario generator): a channel as an AMI event describes it, and an event.
#include <cstdint>
#include <string>

#include "connector/core/pbx_event.h"

namespace cti::test_support {

// A fixed instant plus `s` seconds.
inline core::Timestamp at_s(double s) {
  return core::from_unix_micros(std::int64_t(1'800'000'000'000'000 + s * 1e6));
}

// Context "from-trunk" (not a dialling context); set another when it matters.
inline core::ChannelInfo chan(std::string name, std::string uid, std::string linked,
                              std::string caller = "", std::string exten = "", int state = 4) {
  core::ChannelInfo c;
  c.name = std::move(name);
  c.uniqueid = std::move(uid);
  c.linkedid = std::move(linked);
  c.caller_num = std::move(caller);
  c.exten = std::move(exten);
  c.context = "from-trunk";
  c.state = state;
  return c;
}

inline core::PbxEvent ev(core::PbxEventKind kind, double t, core::ChannelInfo c = {},
                         core::ChannelInfo peer = {}) {
  core::PbxEvent e;
  e.kind = kind;
  e.at = at_s(t);
  e.channel = std::move(c);
  e.peer = std::move(peer);
  return e;
}

}  // namespace cti::test_support
