// libFuzzer target for what CRMs send back (and the panel's token header):
// every adapter's reading of an answer it did not write. The first byte picks
// the HTTP status, the rest is the body. Each adapter's lookup and call-log
// chains, and the unknown-caller create chains, are driven with that answer
// at every step; they must end (Done, Retry or Fail within a few steps),
// never crash, and a found or created contact must name an id. The error
// text every reason carries (describe_answer), the OAuth token answer
// reader and each adapter's "token rejected" test read the same answer. The WebSocket subprotocol
// header parser gets the same bytes.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "adapters/common/answers.h"
#include "adapters/common/oauth.h"
#include "adapters/hubspot/hubspot_adapter.h"
#include "adapters/pipedrive/pipedrive_adapter.h"
#include "adapters/salesforce/salesforce_adapter.h"
#include "adapters/zoho/zoho_adapter.h"
#include "connector/api/ws_auth.h"

using namespace cti;

namespace {

std::vector<std::unique_ptr<adapters::CrmAdapter>> make_adapters() {
  std::vector<std::unique_ptr<adapters::CrmAdapter>> out;
  adapters::HubspotOptions h;
  h.name = "hs";
  h.token = "t";
  h.portal_id = "1";
  h.create_unknown_contacts = true;
  out.push_back(std::make_unique<adapters::HubspotAdapter>(h));
  adapters::PipedriveOptions p;
  p.name = "pd";
  p.base_url = "https://acme.pipedrive.com";
  p.token = "t";
  p.create_unknown_contacts = true;
  out.push_back(std::make_unique<adapters::PipedriveAdapter>(p));
  adapters::ZohoOptions z;
  z.name = "zo";
  z.token = "t";
  z.create_unknown_contacts = true;
  out.push_back(std::make_unique<adapters::ZohoAdapter>(z));
  adapters::SalesforceOptions s;
  s.name = "sf";
  s.base_url = "https://acme.my.salesforce.com";
  s.token = "t";
  s.create_unknown_contacts = true;
  out.push_back(std::make_unique<adapters::SalesforceAdapter>(s));
  return out;
}

core::CallRecord ended_call() {
  core::CallRecord r;
  r.call_id = "c-1";
  r.direction = core::Direction::Inbound;
  r.from = "+34912345678";
  r.to = "+34912000100";
  r.agent = "1001";
  r.talk_s = 12.5;
  r.disposition = core::Disposition::Answered;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto crms = make_adapters();
  static const core::CallRecord record = ended_call();
  static const core::PhoneNumber number = core::PhoneNumber::parse("+34912345678", "ES");
  const std::string bytes(reinterpret_cast<const char*>(data), size);

  (void)api::parse_ws_protocols(bytes);
  (void)api::base64url_decode(bytes);

  if (size == 0) return 0;
  static constexpr int kStatuses[] = {200, 201, 204, 400, 401, 403, 404, 429, 500, 503, 0};
  core::HttpResponse answer;
  answer.status = kStatuses[data[0] % std::size(kStatuses)];
  answer.body = bytes.substr(1);
  answer.headers = {{"Retry-After", answer.body.substr(0, 8)},
                    {"X-RateLimit-Reset", answer.body.substr(0, 4)}};

  (void)adapters::describe_answer(answer);
  // An OAuth token endpoint's answer: a token must not be empty.
  if (auto token = adapters::parse_token_answer(answer); token && token->access_token.empty())
    std::abort();
  for (const auto& crm : crms) {
    (void)crm->token_rejected(answer);
    (void)crm->parse_lookup(answer);
    if (auto created = crm->parse_created(answer); created && created->id.empty()) std::abort();
    std::vector<adapters::Exchange> made;
    for (int step = 0;; ++step) {
      adapters::Step s = crm->create_step(number, made);
      if (!s.is(adapters::Step::Kind::Send)) {
        if (s.is(adapters::Step::Kind::Done) && (!s.contact || s.contact->id.empty())) std::abort();
        break;
      }
      if (step > 6) std::abort();  // a create that never ends
      made.push_back({s.request, answer});
    }
    std::vector<adapters::Exchange> so_far;
    for (int step = 0;; ++step) {
      adapters::Step s = crm->lookup_step(number, so_far);
      if (!s.is(adapters::Step::Kind::Send)) {
        if (s.is(adapters::Step::Kind::Done) && s.contact && s.contact->id.empty()) std::abort();
        break;
      }
      if (step > 8) std::abort();  // a lookup that never ends
      so_far.push_back({s.request, answer});
    }
    for (int attempt : {1, 2}) {
      so_far.clear();
      for (int step = 0;; ++step) {
        adapters::Step s = crm->log_step(record, so_far, attempt);
        if (!s.is(adapters::Step::Kind::Send)) break;
        if (step > 12) std::abort();  // a call log that never ends
        so_far.push_back({s.request, answer});
      }
    }
  }
  return 0;
}
