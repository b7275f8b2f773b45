#include "webhooks/crm_job.h"

#include <algorithm>
#include <cctype>
#include <expected>
#include <utility>
#include <vector>

#include "adapters/common/answers.h"
#include "adapters/common/oauth_session.h"

namespace cti::webhooks {

namespace {

bool is_authorization(const std::pair<std::string, std::string>& header) {
  return std::ranges::equal(header.first, std::string_view("authorization"), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
}

void set_authorization(core::HttpRequest& request, const std::string& scheme,
                       const std::string& token) {
  std::erase_if(request.headers, is_authorization);
  request.headers.emplace_back("Authorization", scheme + " " + token);
}

// Sends one request the adapter asked for. Without an OAuth session: as is.
// With one: under the session's token, refreshed once if the CRM rejects it
// (see crm_job.h). Returns the CRM's answer, or the Retry step when no
// usable token could be had. `request` ends up with the header last sent.
std::expected<core::HttpResponse, adapters::Step> send_step(const adapters::CrmAdapter& adapter,
                                                            core::HttpRequest& request,
                                                            const SendFn& send, JobResult& result) {
  adapters::OAuthSession* session = adapter.oauth();
  if (!session) {
    ++result.requests;
    return send(request);
  }
  const SendFn send_token_request = [&](const core::HttpRequest& token_request) {
    ++result.token_requests;
    return send(token_request);
  };
  const auto no_token = [&](const std::string& error) {
    return std::unexpected(
        adapters::Step::retry(adapter.name() + ": could not get an access token: " + error));
  };
  auto token = session->token(send_token_request);
  if (!token) return no_token(token.error());
  set_authorization(request, session->scheme(), *token);
  core::HttpResponse answer = send(request);
  ++result.requests;
  if (!adapter.token_rejected(answer)) return answer;

  // Expired or revoked: one refresh (shared with every thread rejected with
  // the same token), one resend.
  result.last_status = answer.status;
  session->invalidate(*token);
  auto fresh = session->token(send_token_request);
  if (!fresh) return no_token(fresh.error());
  set_authorization(request, session->scheme(), *fresh);
  answer = send(request);
  ++result.requests;
  if (adapter.token_rejected(answer)) {
    // A token issued a moment ago is refused too: scopes, a deactivated
    // user, IP restrictions. An operator must look; the job waits for them.
    result.last_status = answer.status;
    return std::unexpected(adapters::Step::retry(
        adapter.name() +
        ": the CRM rejected a freshly issued access token: " + adapters::describe_answer(answer)));
  }
  return answer;
}

// Asks `next` for steps and sends them until it is not Send any more.
template <class Next>
JobResult run_steps(const adapters::CrmAdapter& adapter, const Next& next, const SendFn& send,
                    int max_requests) {
  std::vector<adapters::Exchange> so_far;
  JobResult result;
  for (;;) {
    adapters::Step step = next(std::span<const adapters::Exchange>(so_far));
    if (!step.is(adapters::Step::Kind::Send)) {
      result.final = std::move(step);
      return result;
    }
    if (std::cmp_greater_equal(so_far.size(), max_requests)) {
      result.final = adapters::Step::fail("the adapter asked for more than " +
                                          std::to_string(max_requests) + " requests");
      return result;
    }
    auto response = send_step(adapter, step.request, send, result);
    if (!response) {
      result.final = std::move(response.error());
      return result;
    }
    result.last_status = response->status;
    so_far.push_back({std::move(step.request), std::move(*response)});
  }
}

}  // namespace

core::HttpRequest prepare_crm_request(core::HttpRequest req) {
  if (!req.idempotency_key.empty())
    req.headers.emplace_back("Idempotency-Key", req.idempotency_key);
  if (req.method != "GET" && req.method != "DELETE")
    req.headers.emplace_back("Content-Type", req.content_type);
  req.headers.emplace_back("Accept", "application/json");
  req.headers.emplace_back("User-Agent", "cti-connector");
  return req;
}

JobResult run_crm_log(const adapters::CrmAdapter& adapter, const core::CallRecord& record,
                      int attempt, const SendFn& send, int max_requests) {
  return run_steps(
      adapter,
      [&](std::span<const adapters::Exchange> so_far) {
        return adapter.log_step(record, so_far, attempt);
      },
      send, max_requests);
}

JobResult run_lookup(const adapters::CrmAdapter& adapter, const core::PhoneNumber& number,
                     const SendFn& send, int max_requests) {
  return run_steps(
      adapter,
      [&](std::span<const adapters::Exchange> so_far) {
        return adapter.lookup_step(number, so_far);
      },
      send, max_requests);
}

JobResult run_create(const adapters::CrmAdapter& adapter, const adapters::ContactToCreate& wanted,
                     const SendFn& send, int max_requests) {
  return run_steps(
      adapter,
      [&](std::span<const adapters::Exchange> so_far) {
        return adapter.create_step(wanted, so_far);
      },
      send, max_requests);
}

}  // namespace cti::webhooks
