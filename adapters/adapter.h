#pragma once
// The CRM adapter interface (DESIGN.md "Adapters"). An adapter translates:
// call events and records in, HTTP requests out; HTTP responses in, contacts
// out. It never opens a socket: the delivery engine and the screen-pop
// service send what it builds.
//
// Work that needs several requests (look the caller up, maybe create the
// contact, then log the call) is a small pure state machine: given what was
// sent so far and what came back, the adapter says what to do next (`Step`).
// The runner sends and loops, so every CRM's chain is testable without
// sockets and restartable after a crash (a job restarts from its first step).
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "connector/core/call_event.h"
#include "connector/core/http_request.h"
#include "connector/core/phone_number.h"

namespace cti::adapters {

class OAuthSession;  // adapters/common/oauth_session.h

struct Contact {
  std::string crm, id, name, company, url;
  // Several CRM records share the caller's number: `id` is the most recently
  // updated one, `matches` how many matched (so the pop-up can say "2 contacts
  // share this number"); never log the call against all of them.
  bool ambiguous = false;
  int matches = 0;
  std::string updated_at;  // RFC 3339 as the CRM reported it, "" if unknown
  std::string kind;        // the CRM object ("contact", "lead", "person"), "" if one kind only
};

// One request a job sent and the answer it got.
// What POST /v1/contacts asks a CRM to create: a record for `number`, owned
// by `agent` (our agent id or extension, looked up in the block's `users`)
// when the CRM maps them; "" = nobody in particular (an integration token).
// Implicit from a number: most callers have no agent to name.
struct ContactToCreate {
  ContactToCreate(core::PhoneNumber number, std::string agent = {})  // NOLINT(implicit)
      : number(std::move(number)), agent(std::move(agent)) {}
  core::PhoneNumber number;
  std::string agent;
};

struct Exchange {
  core::HttpRequest request;
  core::HttpResponse response;
};

// What a job does next. Named constructors (LevelDB's Status style).
struct Step {
  enum class Kind { Send, Done, Retry, Fail };
  Kind kind = Kind::Done;
  core::HttpRequest request;           // Send: the next request
  std::optional<Contact> contact;      // Done (lookup): the contact, nullopt = no match
  std::chrono::seconds retry_after{};  // Retry: the CRM's own hint; 0 = the engine's backoff
  std::string reason;                  // Retry/Fail: why (log, dead letter); Done: a note

  static Step send(core::HttpRequest request);
  static Step done(std::optional<Contact> contact = std::nullopt, std::string note = {});
  static Step retry(std::string reason, std::chrono::seconds after = {});
  static Step fail(std::string reason);
  bool is(Kind k) const { return kind == k; }
};

class CrmAdapter {
 public:
  virtual ~CrmAdapter() = default;
  // The configured name ("hooks", "hs"): part of idempotency keys and metrics.
  virtual const std::string& name() const = 0;

  // --- Lookup (screen-pop; before a call log) ---
  // One-request CRMs override lookup() and parse_lookup(); CRMs that need
  // several requests (E.164 then national form; contacts then leads)
  // override lookup_step() instead.
  virtual std::optional<core::HttpRequest> lookup(const core::PhoneNumber&) const {
    return std::nullopt;
  }
  virtual std::optional<Contact> parse_lookup(const core::HttpResponse&) const {
    return std::nullopt;
  }
  // Default: Send lookup(number); then 2xx/204/404 -> Done(parse_lookup),
  // retryable statuses -> Retry, anything else -> Fail.
  virtual Step lookup_step(const core::PhoneNumber& number, std::span<const Exchange> so_far) const;

  // --- Events (generic webhooks) ---
  virtual std::vector<core::HttpRequest> on_event(const core::CallEvent&) const { return {}; }

  // --- Call log: one activity per customer call, written when it ends ---
  // True for CRMs that keep call activities; the dispatcher then queues one
  // call-log job per ended customer call (see log_step).
  virtual bool logs_calls() const { return false; }
  // The activity for `record`, linked to `contact` when the lookup found one.
  virtual std::optional<core::HttpRequest> log_call(const core::CallRecord&,
                                                    const std::optional<Contact>&) const {
    return std::nullopt;
  }
  // The whole call-log job. `attempt` counts from 1; a job that failed
  // part-way restarts from its first step. Default: lookup_step() until it
  // is Done, then log_call(record, contact), then Done on 2xx.
  virtual Step log_step(const core::CallRecord& record, std::span<const Exchange> so_far,
                        int attempt) const;

  // --- Unknown caller: the pop-up may offer to create a contact/lead ---
  // True when configured to (create_unknown_contacts); the pop-up then
  // offers the button and POST /v1/contacts runs create_step.
  virtual bool creates_contacts() const { return false; }
  virtual std::optional<core::HttpRequest> create_contact(const ContactToCreate&) const {
    return std::nullopt;
  }
  // The new record from the create answer. Default: the id at "/id".
  virtual std::optional<Contact> parse_created(const core::HttpResponse& response) const;
  // Default: Send create_contact(wanted); then 2xx -> Done(parse_created).
  virtual Step create_step(const ContactToCreate& wanted, std::span<const Exchange> so_far) const;

  // --- OAuth access tokens that expire (Salesforce, Zoho) ---
  // The adapter's token session when its access token is refreshed by OAuth;
  // nullptr (default) = a static token the adapter puts in its own headers.
  // With a session the runner (webhooks/crm_job.cpp) sets "Authorization:
  // <scheme> <token>" on every request and, when token_rejected(), refreshes
  // the token once and resends. The session is the adapter's only mutable
  // state (thread-safe); steps never see it.
  virtual OAuthSession* oauth() const { return nullptr; }
  // True when `response` says the access token expired or was revoked, so a
  // fresh token may succeed (Salesforce 401 INVALID_SESSION_ID).
  virtual bool token_rejected(const core::HttpResponse&) const { return false; }
};

// Stable per call, event and adapter, so a retried or re-sent request is
// recognised by the receiver: "<adapter>:<call_id>:<seq>".
std::string idempotency_key(const std::string& adapter, const core::CallEvent& event);

// The same for creating an unknown caller: one per adapter and number, so a
// double click or a retry is one record: "<adapter>:contact:<E.164>".
std::string contact_idempotency_key(const std::string& adapter, const core::PhoneNumber& number);

}  // namespace cti::adapters
