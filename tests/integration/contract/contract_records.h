#pragma once
// Call records and numbers shared by the CRM contract tables: every
// disposition x direction, agents mapped / unmapped / none, and numbers from
// several countries in the forms a PBX reports them.
#include <string>
#include <vector>

#include "connector/core/call_record.h"
#include "connector/core/time.h"

namespace cti::contract {

inline constexpr core::Disposition kDispositions[] = {
    core::Disposition::Answered, core::Disposition::Missed,    core::Disposition::Busy,
    core::Disposition::Failed,   core::Disposition::Abandoned, core::Disposition::Voicemail};
inline constexpr core::Direction kDirections[] = {core::Direction::Inbound,
                                                  core::Direction::Outbound};
// "1001" is mapped to a CRM user in every table, "1099" is not, "" = no agent.
inline constexpr const char* kAgents[] = {"1001", "1099", ""};

// Numbers as the PBX reports them and the region to read them in.
struct ContractNumber {
  const char* raw;
  const char* region;
};
inline constexpr ContractNumber kNumbers[] = {
    {"+34612345678", "ES"},   // ES mobile, E.164
    {"612345678", "ES"},      // ES mobile, national as dialled
    {"+34912345678", "ES"},   // ES landline
    {"+447700900123", "GB"},  // UK mobile (national 07700 900123)
    {"02079460958", "GB"},    // UK landline, national as dialled
    {"+12025550143", "US"},   // US (national (202) 555-0143)
};

// An ended customer call; `customer` is the caller (inbound) or callee.
inline core::CallRecord contract_record(core::Direction direction, core::Disposition disposition,
                                        const std::string& agent,
                                        const std::string& customer = "+34612345678") {
  core::CallRecord r;
  r.call_id = "c-contract-1";
  r.direction = direction;
  const bool in = direction == core::Direction::Inbound;
  r.from = in ? customer : "1001";
  if (!in) r.caller_id_presented = "+34930000000";
  r.to = in ? "+34930000000" : customer;
  r.did = in ? "+34930000000" : "";
  r.agent = agent;
  r.queue = in ? "sales" : "";
  r.wait_s = in ? 12.5 : 0;
  r.started_at = core::from_unix_micros(1795879455'442000);
  const bool talked =
      disposition == core::Disposition::Answered || disposition == core::Disposition::Voicemail;
  if (talked) r.answered_at = r.started_at + std::chrono::seconds(5);
  r.ended_at = r.started_at + std::chrono::seconds(130);
  r.ring_s = 5;
  r.talk_s = talked ? 125.25 : 0;
  r.disposition = disposition;
  r.hangup_cause = disposition == core::Disposition::Failed ? 1 : 16;  // 1: unallocated number
  return r;
}

}  // namespace cti::contract
