#pragma once
// Runs one CRM job (a call log: lookup, maybe more, then the log) by asking
// the adapter for each next step and sending what it asks for. The sending
// is injected, so the loop is tested without sockets.
#include <functional>
#include <string>

#include "adapters/adapter.h"
#include "connector/core/call_record.h"
#include "connector/core/phone_number.h"

namespace cti::webhooks {

struct JobResult {
  adapters::Step final;    // Done, Retry or Fail (never Send)
  int last_status = 0;     // status of the CRM's last answer, 0 if nothing was sent
  int requests = 0;        // CRM requests sent in this attempt (a resend counts)
  int token_requests = 0;  // OAuth token requests this job sent (not in `requests`)
};

using SendFn = std::function<core::HttpResponse(const core::HttpRequest&)>;

// The headers every CRM request gets on top of the adapter's own (auth is
// the adapter's, or the runner's for adapters with an OAuth session):
// Idempotency-Key when set, Content-Type for bodies, Accept, User-Agent.
core::HttpRequest prepare_crm_request(core::HttpRequest request);

// A caller lookup: lookup_step() until it is Done (contact or none), Retry
// or Fail; the same request bound.
JobResult run_lookup(const adapters::CrmAdapter& adapter, const core::PhoneNumber& number,
                     const SendFn& send, int max_requests = 6);

// Creating an unknown caller's contact: create_step() until not Send.
JobResult run_create(const adapters::CrmAdapter& adapter, const adapters::ContactToCreate& wanted,
                     const SendFn& send, int max_requests = 4);

// A job that keeps asking for more than `max_requests` requests is a bug in
// its adapter: it fails (dead letter) instead of looping.
//
// Adapters with an OAuth session (CrmAdapter::oauth(): Salesforce, Zoho):
// every request gets "Authorization: <scheme> <token>"; the first one fetches
// a token (through `send`) when the session has none. An answer the adapter
// calls token_rejected() invalidates the token, fetches a fresh one and sends
// the same request once more; rejected again -> Retry. No token to be had ->
// Retry "<crm>: could not get an access token: <OAuth error>". Token requests
// and the resend do not count toward `max_requests`, which bounds the steps
// an adapter asks for (a bug guard); the token traffic is bounded anyway
// (at most two token requests and one resend per step).
JobResult run_crm_log(const adapters::CrmAdapter& adapter, const core::CallRecord& record,
                      int attempt, const SendFn& send, int max_requests = 12);

}  // namespace cti::webhooks
