// libFuzzer target for click-to-call requests: the JSON bodies of POST
// /v1/calls, /v1/dnc and /v1/consents, then the gate's decision and the
// PBX dial string for whatever number got through. Hostile input must give
// a clear error or a coherent decision: allowed implies a destination in
// E.164, a caller id from the inventory and no reasons; refused implies at
// least one reason. Any text classified through the "+digits" fast path
// must give what libphonenumber's Parse gives.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connector/api/dial_json.h"
#include "connector/policy/dial_string.h"
#include "connector/policy/gate.h"

namespace {

const cti::policy::PolicyConfig& config() {
  static const cti::policy::PolicyConfig c = [] {
    cti::policy::PolicyConfig p;
    p.virtual_numbers = {{"+34910000001", {"ES"}, {"3491"}, {cti::policy::Purpose::Commercial}, {}},
                         {"+442079460001", {"GB"}, {"4420"}, {cti::policy::Purpose::Service}, {}}};
    p.default_line = "+34910000001";
    return p;
  }();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cti;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const api::Principal agent{"agent:ana", "ana"};
  (void)api::parse_dnc_body(in);
  (void)api::parse_consent_body(in, agent, core::from_unix_micros(1'795'600'800'000'000));
  // The "+digits" fast path must agree with libphonenumber's Parse on any text.
  {
    const auto text = in.substr(0, 64);
    const auto fast = policy::classify_destination(text, "ES");
    const auto slow = policy::detail::classify_with_parse(text, "ES");
    if (fast.has_value() != slow.has_value()) std::abort();
    if (fast &&
        (fast->e164 != slow->e164 || fast->region != slow->region || fast->type != slow->type))
      std::abort();
  }
  const auto cmd = api::parse_dial_body(in, agent);
  if (!cmd) return 0;
  policy::DialRequest req{"default", cmd->agent, cmd->to, cmd->purpose,
                          core::from_unix_micros(1'795'600'800'000'000)};
  const auto d = policy::decide(req, config(), {}, nullptr);
  if (d.allowed != d.reasons.empty()) std::abort();
  if (d.allowed) {
    if (!d.destination || !d.destination->e164.starts_with('+') || !d.caller_id) std::abort();
    bool owned = false;
    for (const auto& v : config().virtual_numbers) owned = owned || v.number == d.caller_id->number;
    if (!owned) std::abort();
    for (auto format : {policy::DialFormat::National, policy::DialFormat::E164}) {
      const auto dial = policy::dial_string(*d.destination, "ES", format);
      if (dial.empty() || dial.find_first_of("\r\n") != std::string::npos) std::abort();
    }
  }
  (void)api::to_json(d).dump();
  return 0;
}
