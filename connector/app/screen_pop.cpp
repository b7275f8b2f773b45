#include "connector/app/screen_pop.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "adapters/common/numbers.h"
#include "connector/json/call_json.h"
#include "webhooks/crm_job.h"

namespace cti::app {
namespace {

nlohmann::json contact_json(const std::optional<adapters::Contact>& c) {
  if (!c) return nullptr;
  return contact_to_json(*c);
}

}  // namespace

nlohmann::json contact_to_json(const adapters::Contact& contact) {
  const adapters::Contact* c = &contact;
  nlohmann::json j = {{"crm", c->crm},         {"id", c->id},   {"name", c->name},
                      {"company", c->company}, {"url", c->url}, {"ambiguous", c->ambiguous},
                      {"matches", c->matches}};
  if (!c->kind.empty()) j["kind"] = c->kind;
  return j;
}

namespace {

nlohmann::json update_message(const core::CallEvent& e, const nlohmann::json& call) {
  nlohmann::json m = {{"type", "call_update"}, {"event", core::to_string(e.kind)}, {"call", call}};
  if (!e.reason.empty()) m["reason"] = e.reason;
  return m;
}

}  // namespace

ScreenPop::ScreenPop(boost::asio::io_context& loop, std::shared_ptr<api::AgentHub> hub,
                     std::vector<std::shared_ptr<const adapters::CrmAdapter>> crms,
                     std::shared_ptr<webhooks::HttpSender> sender, store::Store& store,
                     const config::ScreenPopConfig& options, common::Registry& metrics)
    : loop_(loop),
      hub_(std::move(hub)),
      crms_(std::move(crms)),
      sender_(std::move(sender)),
      store_(store),
      options_(options),
      cache_(std::chrono::seconds(options.cache_ttl_s),
             std::chrono::seconds(options.negative_cache_ttl_s)),
      workers_(static_cast<std::size_t>(std::max(1, options.lookup_threads))),
      pending_(std::make_shared<std::atomic<int>>(0)),
      alive_(std::make_shared<std::atomic<bool>>(true)),
      pops_done_(metrics.counter("cti_screen_pops_total", "Screen-pops sent, by lookup outcome",
                                 {{"lookup", "done"}})),
      pops_timeout_(metrics.counter("cti_screen_pops_total", "Screen-pops sent, by lookup outcome",
                                    {{"lookup", "timeout"}})),
      pops_failed_(metrics.counter("cti_screen_pops_total", "Screen-pops sent, by lookup outcome",
                                   {{"lookup", "failed"}})),
      pops_skipped_(metrics.counter("cti_screen_pops_total", "Screen-pops sent, by lookup outcome",
                                    {{"lookup", "skipped"}})),
      lookup_seconds_(metrics.histogram(
          "cti_crm_lookup_seconds", "Caller lookup time (cache and CRMs in order)",
          {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})) {}

ScreenPop::~ScreenPop() { stop(); }

void ScreenPop::stop() {
  alive_->store(false);
  workers_.join();
}

void ScreenPop::on_event(const core::CallEvent& e) {
  using K = core::CallEventKind;
  auto it = calls_.find(e.call_id);
  if (it == calls_.end()) {
    if (e.kind != K::Ringing || e.agent.empty()) return;  // only a ringing agent opens a pop-up
    it = calls_.emplace(e.call_id, Call{}).first;
    it->second.call = json::to_json(e.call);
    start_lookup(e.call_id, e.call);
    it = calls_.find(e.call_id);  // start_lookup may have completed synchronously
    if (it == calls_.end()) return;
  }
  Call& call = it->second;
  call.call = json::to_json(e.call);
  switch (e.kind) {
    case K::Ringing:
      call.open.insert(e.agent);
      call.watchers.insert(e.agent);
      if (call.result || call.timed_out) send_pop(e.agent, e.call_id, call);
      break;
    case K::RingingStopped:
      if (e.agent.empty()) break;
      call.open.erase(e.agent);
      hub_->update(e.agent, e.call_id, update_message(e, call.call), true);
      break;
    case K::Answered:
    case K::Held:
    case K::Resumed:
    case K::Transferred: {
      if (!e.agent.empty()) call.watchers.insert(e.agent);
      const nlohmann::json m = update_message(e, call.call);
      if (!e.agent.empty() && !call.open.contains(e.agent))
        hub_->update(e.agent, e.call_id, m, false);
      for (const auto& ext : call.open) hub_->update(ext, e.call_id, m, false);
      break;
    }
    case K::Ended: {
      const nlohmann::json m = update_message(e, call.call);
      for (const auto& ext : call.watchers) hub_->update(ext, e.call_id, m, true);
      if (call.timer) call.timer->cancel();
      calls_.erase(it);
      break;
    }
    case K::Queued:
    case K::Abandoned:
      break;
  }
}

void ScreenPop::start_lookup(const std::string& call_id, const core::CallRecord& record) {
  const core::PhoneNumber number = adapters::customer_number(record);
  if (!adapters::is_customer_call(record) || !number.is_e164()) {
    // Colleagues, withheld numbers: nothing to look up; pop at once.
    Lookup none;
    none.outcome = "skipped";
    calls_[call_id].result = std::move(none);
    return;
  }
  if (pending_->load() >= options_.max_pending_lookups) {
    spdlog::warn("screen-pop: {} lookups already pending; call {} pops without a contact",
                 pending_->load(), call_id);
    Lookup busy;
    busy.outcome = "failed";
    calls_[call_id].result = std::move(busy);
    return;
  }
  calls_[call_id].number = number.value();
  ++*pending_;
  boost::asio::post(
      workers_, [this, alive = alive_, pending = pending_, call_id, e164 = number.value()] {
        if (!alive->load()) {
          --*pending;
          return;
        }
        Lookup result = run_lookup(e164, call_id);
        --*pending;
        boost::asio::post(loop_, [this, alive, call_id, result = std::move(result)]() mutable {
          if (alive->load()) on_lookup(call_id, std::move(result));
        });
      });
  Call& call = calls_[call_id];
  if (options_.lookup_timeout_ms == 0) {
    call.timed_out = true;
    return;
  }
  call.timer = std::make_unique<boost::asio::steady_timer>(
      loop_, std::chrono::milliseconds(options_.lookup_timeout_ms));
  call.timer->async_wait([this, alive = alive_, call_id](boost::system::error_code ec) {
    if (!ec && alive->load()) on_timeout(call_id);
  });
}

ScreenPop::Lookup ScreenPop::run_lookup(const std::string& e164, const std::string& call_id) {
  const auto started = std::chrono::steady_clock::now();
  Lookup r;
  if (crms_.empty()) {
    r.outcome = "skipped";  // no CRM configured: the pop-up still shows history
  } else if (auto cached = cache_.get(e164)) {
    r.contact = std::move(*cached);
    r.outcome = "done";
  } else {
    bool failed = false;
    const core::PhoneNumber number = core::PhoneNumber::parse(e164, "");
    const auto timeout = std::chrono::milliseconds(options_.crm_timeout_ms);
    for (const auto& crm : crms_) {
      const webhooks::JobResult found =
          webhooks::run_lookup(*crm, number, [&](const core::HttpRequest& request) {
            return sender_->send(webhooks::prepare_crm_request(request), timeout);
          });
      if (found.final.is(adapters::Step::Kind::Done)) {
        if (!found.final.contact) continue;  // not in this CRM: try the next
        r.contact = found.final.contact;
        if (r.contact->crm.empty()) r.contact->crm = crm->name();
        break;
      }
      failed = true;
      spdlog::warn("screen-pop: lookup in {} failed: {}", crm->name(), found.final.reason);
    }
    // A failure is not "no contact": it is not cached, and says "failed".
    r.outcome = r.contact || !failed ? "done" : "failed";
    if (r.outcome == "done") cache_.put(e164, r.contact);
  }
  lookup_seconds_.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (options_.history > 0)
    for (const auto& rec :
         store_.calls_with_number(e164, call_id, static_cast<std::size_t>(options_.history)))
      r.history.push_back(json::to_json(rec));
  return r;
}

void ScreenPop::on_lookup(const std::string& call_id, Lookup result) {
  const auto it = calls_.find(call_id);
  if (it == calls_.end()) return;  // the call ended first
  Call& call = it->second;
  call.result = std::move(result);
  if (call.timer) call.timer->cancel();
  for (const auto& ext : call.open) send_pop(ext, call_id, call);
}

void ScreenPop::on_timeout(const std::string& call_id) {
  const auto it = calls_.find(call_id);
  if (it == calls_.end() || it->second.result) return;
  it->second.timed_out = true;
  for (const auto& ext : it->second.open) send_pop(ext, call_id, it->second);
}

nlohmann::json ScreenPop::pop_message(const Call& call) const {
  std::string lookup = call.result ? call.result->outcome : call.timed_out ? "timeout" : "pending";
  nlohmann::json m = {
      {"type", "screen_pop"},
      {"call", call.call},
      {"lookup", lookup},
      {"contact", call.result ? contact_json(call.result->contact) : nullptr},
      {"history", call.result ? call.result->history : nlohmann::json::array()},
  };
  // An unknown caller: the CRMs the panel may offer "create contact" in.
  if (lookup == "done" && !call.result->contact) {
    nlohmann::json can_create = nlohmann::json::array();
    for (const auto& crm : crms_)
      if (crm->creates_contacts()) can_create.push_back(crm->name());
    if (!can_create.empty()) m["can_create"] = std::move(can_create);
  }
  return m;
}

std::expected<adapters::Contact, ScreenPop::CreateError> ScreenPop::create_contact(
    const std::string& crm_name, const std::string& e164, const std::string& agent) {
  const adapters::CrmAdapter* crm = nullptr;
  for (const auto& c : crms_)
    if (crm_name.empty() ? c->creates_contacts() : c->name() == crm_name) {
      crm = c.get();
      break;
    }
  if (!crm)
    return std::unexpected(CreateError{CreateError::Kind::UnknownCrm,
                                       crm_name.empty()
                                           ? "no CRM is configured to create contacts"
                                           : "no CRM named \"" + crm_name + "\" is configured"});
  if (!crm->creates_contacts())
    return std::unexpected(
        CreateError{CreateError::Kind::CannotCreate,
                    "CRM \"" + crm->name() + "\" is not configured to create contacts"});
  const auto timeout = std::chrono::milliseconds(options_.crm_timeout_ms);
  const webhooks::JobResult r = webhooks::run_create(
      *crm, {core::PhoneNumber::parse(e164, ""), agent}, [&](const core::HttpRequest& request) {
        return sender_->send(webhooks::prepare_crm_request(request), timeout);
      });
  if (!r.final.is(adapters::Step::Kind::Done) || !r.final.contact)
    return std::unexpected(CreateError{CreateError::Kind::Crm, r.final.reason});
  adapters::Contact created = *r.final.contact;
  if (created.crm.empty()) created.crm = crm->name();
  cache_.put(e164, created);
  spdlog::info("screen-pop: created contact {} in {}", created.id, crm->name());
  // The live pop-ups still say "unknown": a panel that reconnects (hello) or
  // another agent ringing would offer to create the contact a second time.
  boost::asio::post(loop_, [this, alive = alive_, e164, created] {
    if (alive->load()) on_created(e164, created);
  });
  return created;
}

void ScreenPop::on_created(const std::string& e164, const adapters::Contact& contact) {
  for (auto& [call_id, call] : calls_) {
    if (call.number != e164 || !call.result || call.result->contact) continue;
    call.result->contact = contact;
    call.result->outcome = "done";
    for (const auto& ext : call.open) send_pop(ext, call_id, call);
  }
}

void ScreenPop::send_pop(const std::string& extension, const std::string& call_id,
                         const Call& call) {
  nlohmann::json m = pop_message(call);
  const std::string& lookup = m["lookup"].get_ref<const std::string&>();
  (lookup == "done"      ? pops_done_
   : lookup == "skipped" ? pops_skipped_
   : lookup == "failed"  ? pops_failed_
                         : pops_timeout_)
      .inc();
  hub_->pop(extension, call_id, std::move(m));
}

}  // namespace cti::app
