#pragma once
// What the adapter tests (tests/unit/adapters/*_adapter_test.cpp) share: a
// customer call record and the calls no CRM hears about, canned CRM answers,
// a request's header and path, fixture files, the tracker's golden records
// through log_call, and the checks every CRM repeats: no lookup or create for
// a number that is not E.164, "create contact" only when configured, the
// shape of a JSON POST, and a Step that ends a chain (kind, the CRM's retry
// hint, reason, never the token).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/adapter.h"
#include "connector/core/call_record.h"
#include "connector/core/time.h"
#include "connector/json/call_json.h"

namespace cti::adapters::testing {

// 2026-11-28T15:24:15.442Z: the replayed queue call of the golden records.
inline const core::Timestamp kStartedAt = core::from_unix_micros(1795879455'442000);

// Numbers no adapter searches or creates: an extension, withheld, none.
inline constexpr const char* kNotE164[] = {"1001", "anonymous", ""};

// An ended customer call with the customer on +34912345678: inbound from it
// to +34930000000, or outbound from `agent`'s extension 1001 presenting
// +34930000000. Answered and voicemail calls talked `talk_s` seconds (5 s
// ringing, 130 s in all); the others not at all.
inline core::CallRecord customer_call(core::Direction direction, core::Disposition disposition,
                                      std::string agent, core::Timestamp started_at = kStartedAt,
                                      double talk_s = 125.0) {
  core::CallRecord r;
  r.call_id = "c-42";
  r.direction = direction;
  const bool in = direction != core::Direction::Outbound;
  r.from = in ? "+34912345678" : "1001";  // outbound: the agent's extension
  if (!in) r.caller_id_presented = "+34930000000";
  r.to = in ? "+34930000000" : "+34912345678";
  r.agent = std::move(agent);
  r.started_at = started_at;
  const bool answered =
      disposition == core::Disposition::Answered || disposition == core::Disposition::Voicemail;
  if (answered) r.answered_at = r.started_at + std::chrono::seconds(5);
  r.ended_at = r.started_at + std::chrono::seconds(130);
  r.ring_s = 5;
  r.talk_s = answered ? talk_s : 0.0;
  r.disposition = disposition;
  return r;
}

// Calls no CRM hears about, each named for SCOPED_TRACE: a live call (not
// ended), an internal call, a consultation leg.
struct NotLogged {
  const char* what;
  core::CallRecord record;
};
inline std::vector<NotLogged> not_logged_calls() {
  auto call = [] {
    return customer_call(core::Direction::Inbound, core::Disposition::Answered, "1001");
  };
  std::vector<NotLogged> out{{"live", call()}, {"internal", call()}, {"consultation", call()}};
  out[0].record.disposition.reset();
  out[1].record.direction = core::Direction::Internal;
  out[2].record.parent_call_id = "c-41";
  return out;
}

// "busy outbound mapped": the SCOPED_TRACE of a disposition-table row.
inline std::string case_name(core::Disposition disposition, core::Direction direction,
                             bool mapped) {
  return std::string(core::to_string(disposition)) + " " + std::string(core::to_string(direction)) +
         (mapped ? " mapped" : " unmapped");
}

// An extension, withheld or no number: no lookup request and lookup_step is
// Done at once without a contact.
inline void expect_no_lookup(const CrmAdapter& adapter) {
  for (const char* raw : kNotE164) {
    const auto number = core::PhoneNumber::parse(raw, "ES");
    EXPECT_FALSE(adapter.lookup(number)) << raw;
    const Step s = adapter.lookup_step(number, {});
    EXPECT_TRUE(s.is(Step::Kind::Done)) << raw;
    EXPECT_FALSE(s.contact) << raw;
  }
}

// Nor any create: no request, and create_step fails at once.
inline void expect_no_create(const CrmAdapter& adapter) {
  for (const char* raw : kNotE164) {
    const auto number = core::PhoneNumber::parse(raw, "ES");
    EXPECT_FALSE(adapter.create_contact(number)) << raw;
    EXPECT_TRUE(adapter.create_step(number, {}).is(Step::Kind::Fail)) << raw;
  }
}

// "Create contact" is offered and built only when configured: `off` neither
// offers it nor builds a request (create_step fails saying why), `on` does.
inline void expect_creates_only_when_enabled(const CrmAdapter& off, const CrmAdapter& on) {
  const auto number = core::PhoneNumber::parse("+34912345678", "ES");
  EXPECT_FALSE(off.creates_contacts());
  EXPECT_FALSE(off.create_contact(number));
  const Step s = off.create_step(number, {});
  EXPECT_TRUE(s.is(Step::Kind::Fail));
  EXPECT_NE(s.reason.find("not configured to create contacts"), std::string::npos) << s.reason;
  EXPECT_TRUE(on.creates_contacts());
  EXPECT_TRUE(on.create_contact(number));
}

// A JSON POST to `url` whose only header is the CRM's auth header, with
// `idempotency_key`.
inline void expect_json_post(const core::HttpRequest& req, const std::string& url,
                             const std::pair<std::string, std::string>& auth,
                             const std::string& idempotency_key) {
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, url);
  EXPECT_EQ(req.content_type, "application/json");
  EXPECT_EQ(req.headers, (std::vector<std::pair<std::string, std::string>>{auth}));
  EXPECT_EQ(req.idempotency_key, idempotency_key);
}

// A CRM's answer.
inline core::HttpResponse answer(int status, std::string body = {},
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  core::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}
inline core::HttpResponse ok(std::string body) { return answer(200, std::move(body)); }

// The value of a request header (exact name), "" when absent.
inline std::string header(const core::HttpRequest& req, std::string_view name) {
  for (const auto& [k, v] : req.headers)
    if (k == name) return v;
  return {};
}

// The URL without its query.
inline std::string path_of(const std::string& url) { return url.substr(0, url.find('?')); }

// A JSON file under tests/fixtures.
inline nlohmann::json fixture_json(const std::string& relative) {
  std::ifstream in(std::string(CTI_FIXTURES) + "/" + relative);
  EXPECT_TRUE(in) << relative;
  return nlohmann::json::parse(in);
}

// One record of the tracker's golden files (real Asterisk captures).
struct GoldenRecord {
  std::string where;  // "<file> <call_id>", for SCOPED_TRACE
  nlohmann::json json;
  core::CallRecord record;
  bool loggable = false;  // an ended customer call: not internal, not a consultation leg
};

inline std::vector<GoldenRecord> golden_records() {
  std::vector<GoldenRecord> out;
  for (const auto& entry : std::filesystem::directory_iterator(CTI_GOLDEN)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    const nlohmann::json golden = nlohmann::json::parse(in);
    for (const nlohmann::json& j : golden.value("records", nlohmann::json::array())) {
      GoldenRecord g;
      g.where = entry.path().filename().string() + " " + j.value("call_id", "");
      g.json = j;
      const auto r = cti::json::record_from_json(j);
      EXPECT_TRUE(r) << g.where;
      if (!r) continue;
      g.record = *r;
      g.loggable = r->direction != core::Direction::Internal && r->parent_call_id.empty() &&
                   r->disposition.has_value();
      out.push_back(std::move(g));
    }
  }
  return out;
}

// Every golden record through `adapter.log_call` (no contact): records that
// are not ended customer calls must give no request; the others must, and
// `check(golden, request)` looks at it. Returns how many were logged.
template <class Check>
int for_each_golden_call_log(const CrmAdapter& adapter, Check check) {
  int logged = 0;
  for (const GoldenRecord& g : golden_records()) {
    SCOPED_TRACE(g.where);
    const auto req = adapter.log_call(g.record, std::nullopt);
    if (!g.loggable) {
      EXPECT_FALSE(req);
      continue;
    }
    if (!req) {
      ADD_FAILURE() << "no call log for a customer call";
      continue;
    }
    check(g, *req);
    ++logged;
  }
  return logged;
}

// A step that ends a chain: its kind, the CRM's wait, a reason starting with
// `reason` (the step's name and the CRM's words), no contact, and never the
// token.
inline void expect_end(const Step& s, Step::Kind kind, std::chrono::seconds after,
                       std::string_view reason, std::string_view token) {
  EXPECT_EQ(s.kind, kind);
  EXPECT_EQ(s.retry_after, after);
  EXPECT_TRUE(s.reason.starts_with(reason)) << s.reason;
  EXPECT_FALSE(s.contact);
  EXPECT_EQ(s.reason.find(token), std::string::npos);
}

// One answer to the last request of a chain, and how the chain must end.
struct EndCase {
  core::HttpResponse response;
  Step::Kind kind;
  long long after_s;   // the CRM's wait in seconds (0: none)
  const char* reason;  // how the reason starts
};

// Each case's answer to `sent`, then `next(so_far)`: ends as the case says
// (expect_end).
template <class Next>
void expect_ends(const core::HttpRequest& sent, std::span<const EndCase> cases, Next next,
                 std::string_view token) {
  for (const EndCase& c : cases) {
    SCOPED_TRACE(std::to_string(c.response.status) + " " + c.response.body);
    const std::vector<Exchange> done{{sent, c.response}};
    expect_end(next(std::span<const Exchange>(done)), c.kind, std::chrono::seconds(c.after_s),
               c.reason, token);
  }
}

}  // namespace cti::adapters::testing
