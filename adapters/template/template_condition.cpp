#include "adapters/template/template_condition.h"

#include <array>
#include <utility>

namespace cti::adapters::tmpl {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

constexpr std::array kDirections{core::Direction::Inbound, core::Direction::Outbound,
                                 core::Direction::Internal};
constexpr std::array kDispositions{core::Disposition::Answered,  core::Disposition::Missed,
                                   core::Disposition::Busy,      core::Disposition::Failed,
                                   core::Disposition::Abandoned, core::Disposition::Voicemail};

const char* kVocabulary =
    "always, contact_found, no_contact, answered, not_answered, inbound, outbound, "
    "agent_mapped, agent_unmapped, \"direction == <inbound|outbound>\", "
    "\"disposition == <answered|missed|busy|failed|abandoned|voicemail>\" (or !=)";

}  // namespace

std::expected<Condition, std::string> Condition::parse(std::string_view text) {
  Condition c;
  c.text_ = std::string(text);
  const std::string_view t = trim(text);
  static constexpr std::pair<std::string_view, Kind> kFlags[] = {
      {"always", Kind::Always},
      {"contact_found", Kind::ContactFound},
      {"no_contact", Kind::NoContact},
      {"answered", Kind::Answered},
      {"not_answered", Kind::NotAnswered},
      {"inbound", Kind::Inbound},
      {"outbound", Kind::Outbound},
      {"agent_mapped", Kind::AgentMapped},
      {"agent_unmapped", Kind::AgentUnmapped},
  };
  for (const auto& [word, kind] : kFlags) {
    if (t == word) {
      c.kind_ = kind;
      return c;
    }
  }
  std::size_t op = t.find("==");
  c.negate_ = false;
  if (op == std::string_view::npos) {
    op = t.find("!=");
    c.negate_ = true;
  }
  if (op != std::string_view::npos) {
    std::string_view field = trim(t.substr(0, op));
    const std::string_view value = trim(t.substr(op + 2));
    if (field.starts_with("call.")) field.remove_prefix(5);
    if (field == "direction") {
      for (const auto d : kDirections) {
        if (core::to_string(d) == value) {
          c.kind_ = Kind::DirectionIs;
          c.direction_ = d;
          return c;
        }
      }
      return std::unexpected("unknown direction \"" + std::string(value) + "\" in condition \"" +
                             c.text_ + "\" (inbound, outbound, internal)");
    }
    if (field == "disposition") {
      for (const auto d : kDispositions) {
        if (core::to_string(d) == value) {
          c.kind_ = Kind::DispositionIs;
          c.disposition_ = d;
          return c;
        }
      }
      return std::unexpected("unknown disposition \"" + std::string(value) + "\" in condition \"" +
                             c.text_ + "\" (answered, missed, busy, failed, abandoned, voicemail)");
    }
  }
  return std::unexpected("unknown condition \"" + c.text_ + "\" (conditions: " + kVocabulary + ")");
}

bool Condition::holds(const Facts& f) const {
  const core::CallRecord* r = f.record;
  const bool answered = r && r->disposition == core::Disposition::Answered;
  switch (kind_) {
    case Kind::Always:
      return true;
    case Kind::ContactFound:
      return f.contact_found;
    case Kind::NoContact:
      return !f.contact_found;
    case Kind::Answered:
      return answered;
    case Kind::NotAnswered:
      return r && !answered;
    case Kind::Inbound:
      return r && r->direction == core::Direction::Inbound;
    case Kind::Outbound:
      return r && r->direction == core::Direction::Outbound;
    case Kind::AgentMapped:
      return f.agent_mapped;
    case Kind::AgentUnmapped:
      return !f.agent_mapped;
    case Kind::DirectionIs:
      return r && ((r->direction == direction_) != negate_);
    case Kind::DispositionIs:
      return r && r->disposition && ((*r->disposition == disposition_) != negate_);
  }
  return false;
}

bool all_hold(const std::vector<Condition>& conditions, const Facts& facts) {
  for (const Condition& c : conditions)
    if (!c.holds(facts)) return false;
  return true;
}

}  // namespace cti::adapters::tmpl
