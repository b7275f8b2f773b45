#pragma once
// The dialing policy's durable rows (compliance evidence): every gate
// decision, the company's own opt-outs, consent records and the real cost
// of finished calls. They travel in a WriteBatch like call events, so a
// call's spend commits with the event that ended it.
#include <cstdint>
#include <optional>
#include <string>

#include "connector/core/time.h"

namespace cti::store {

// One gate decision, or one change to the opt-out / consent records.
struct AuditRow {
  std::int64_t id = 0;  // set when read back
  core::Timestamp at{};
  std::string action;     // "dial", "check", "dnc_add", "dnc_remove", "consent"
  std::string principal;  // who asked: "agent:ana", "integration:0"
  std::string tenant, agent;
  std::string number;  // E.164 when known, else as typed
  bool allowed = false;
  std::string call_id;      // dial: the call it started
  std::string detail_json;  // inputs, state snapshot, reasons, warnings, versions
};

struct DncEntry {
  std::string e164;
  core::Timestamp added_at{};
  std::string reason, added_by;
};
struct DncChange {
  bool add = true;  // false: remove
  DncEntry entry;
};

struct ConsentRow {
  std::string tenant, e164;
  bool granted = true;   // false: revoked
  std::string source;    // "web form 2026-03", "call recording c-123"
  core::Timestamp at{};  // when the person granted or revoked it
  core::Timestamp recorded_at{};
  std::string recorded_by;
};

// The real cost of one finished outbound call (talk_s at the rate table's price).
struct SpendRow {
  std::string call_id, tenant, agent;
  core::Timestamp at{};  // when the call ended
  double talk_s = 0, cost = 0;
  std::string currency;
};

struct SpendTotal {
  std::string tenant, agent;
  double cost = 0;
};

struct AuditQuery {
  std::optional<core::Timestamp> since;
  std::string agent, number, action;  // empty = any
  std::optional<bool> allowed;
  std::size_t limit = 100;
};

}  // namespace cti::store
