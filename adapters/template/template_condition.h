#pragma once
// `when` conditions of the template adapter: a small fixed vocabulary, no
// expression language. A condition is one of
//   "always", "contact_found", "no_contact", "answered", "not_answered",
//   "inbound", "outbound", "agent_mapped", "agent_unmapped",
//   "direction == inbound", "disposition != missed"   (call.direction /
//   call.disposition, "call." prefix optional)
// and `"when": [ ... ]` holds when every item holds.
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connector/core/call_record.h"

namespace cti::adapters::tmpl {

// What a condition can see when a step is about to run.
struct Facts {
  bool contact_found = false;
  const core::CallRecord* record = nullptr;  // null: no call (screen-pop lookup, pop-up create)
  bool agent_mapped = false;
};

class Condition {
 public:
  // One item; a reason listing the vocabulary when it is not one.
  static std::expected<Condition, std::string> parse(std::string_view text);
  bool holds(const Facts& facts) const;
  const std::string& text() const { return text_; }

 private:
  enum class Kind {
    Always,
    ContactFound,
    NoContact,
    Answered,
    NotAnswered,
    Inbound,
    Outbound,
    AgentMapped,
    AgentUnmapped,
    DirectionIs,
    DispositionIs,
  };
  Kind kind_ = Kind::Always;
  bool negate_ = false;  // "!="
  core::Direction direction_{};
  core::Disposition disposition_{};
  std::string text_;
};

// Every item must hold (an empty list always holds).
bool all_hold(const std::vector<Condition>& conditions, const Facts& facts);

}  // namespace cti::adapters::tmpl
