#pragma once
// Screen-pop: when a call rings at an agent, look the caller up in the CRMs
// (in config order, first match wins; cached) and push the contact and the
// last calls with that number to the agent's browser sessions; then follow
// the call (answered, ringing stopped, ended) so a pop-up nobody took closes.
//
// Threads: on_event and every timer run on the event loop (call state, no
// locks); CRM lookups and the history read run on a small worker pool and
// post their result back to the loop. The loop never waits for a CRM.
//
// Latency budget: the pop-up goes out when the lookup answers or after
// lookup_timeout (then without a contact, "lookup": "timeout"); a late answer
// sends a second screen_pop for the same call that replaces the first.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "connector/api/agent_hub.h"
#include "connector/app/contact_cache.h"
#include "connector/common/metrics.h"
#include "connector/config/config.h"
#include "connector/core/call_event.h"
#include "connector/store/store.h"
#include "webhooks/http_sender.h"

namespace cti::app {

// {crm, id, name, company, url, ambiguous, matches, kind?}: the contact as
// pop-ups and POST /v1/contacts show it.
nlohmann::json contact_to_json(const adapters::Contact& contact);

class ScreenPop {
 public:
  ScreenPop(boost::asio::io_context& loop, std::shared_ptr<api::AgentHub> hub,
            std::vector<std::shared_ptr<const adapters::CrmAdapter>> crms,
            std::shared_ptr<webhooks::HttpSender> sender, store::Store& store,
            const config::ScreenPopConfig& options, common::Registry& metrics);
  ~ScreenPop();  // stop()
  // Waits for lookups in flight (their results are dropped).
  void stop();

  // On the loop, for every call event in order.
  void on_event(const core::CallEvent& event);

  // The pop-up's "create contact" (POST /v1/contacts), on the caller's
  // thread (an API thread): creates the caller in `crm` (or the first CRM
  // that creates contacts when empty) and caches the new contact, so the
  // next ring pops it; live pop-ups of this caller that had no contact get
  // it too (on the loop). `agent`: our agent id who asked, the new record's
  // owner where the CRM block maps them ("" for an integration token).
  // Errors: the text to show.
  struct CreateError {
    enum class Kind { UnknownCrm, CannotCreate, Crm } kind;
    std::string detail;
  };
  std::expected<adapters::Contact, CreateError> create_contact(const std::string& crm,
                                                               const std::string& e164,
                                                               const std::string& agent);

 private:
  struct Lookup {
    std::optional<adapters::Contact> contact;
    std::string outcome;  // "done", "failed", "skipped"
    nlohmann::json history = nlohmann::json::array();
  };
  struct Call {
    nlohmann::json call;             // latest snapshot
    std::set<std::string> open;      // extensions with a pop-up open
    std::set<std::string> watchers;  // every extension that was told about the call
    std::string number;              // the customer's E.164 when looked up
    std::optional<Lookup> result;
    bool timed_out = false;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };

  void start_lookup(const std::string& call_id, const core::CallRecord& record);
  Lookup run_lookup(const std::string& number, const std::string& call_id);  // worker thread
  void on_lookup(const std::string& call_id, Lookup result);                 // loop
  void on_timeout(const std::string& call_id);                               // loop
  // A contact created from a pop-up (create_contact): into the live pop-ups.
  void on_created(const std::string& e164, const adapters::Contact& contact);  // loop
  void send_pop(const std::string& extension, const std::string& call_id, const Call& call);
  nlohmann::json pop_message(const Call& call) const;

  boost::asio::io_context& loop_;
  std::shared_ptr<api::AgentHub> hub_;
  std::vector<std::shared_ptr<const adapters::CrmAdapter>> crms_;
  std::shared_ptr<webhooks::HttpSender> sender_;
  store::Store& store_;
  config::ScreenPopConfig options_;
  ContactCache cache_;
  boost::asio::thread_pool workers_;
  std::shared_ptr<std::atomic<int>> pending_;  // lookups queued or running
  std::shared_ptr<std::atomic<bool>> alive_;   // false once stopped: late results are dropped
  std::map<std::string, Call> calls_;          // by call_id, loop only

  common::Counter& pops_done_;
  common::Counter& pops_timeout_;
  common::Counter& pops_failed_;
  common::Counter& pops_skipped_;
  common::Histogram& lookup_seconds_;
};

}  // namespace cti::app
