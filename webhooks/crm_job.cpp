#include "webhooks/crm_job.h"

#include <vector>

namespace cti::webhooks {

namespace {

// Asks `next` for steps and sends them until it is not Send any more.
template <class Next>
JobResult run_steps(const Next& next, const SendFn& send, int max_requests) {
  std::vector<adapters::Exchange> so_far;
  JobResult result;
  for (;;) {
    adapters::Step step = next(std::span<const adapters::Exchange>(so_far));
    if (!step.is(adapters::Step::Kind::Send)) {
      result.final = std::move(step);
      return result;
    }
    if (result.requests >= max_requests) {
      result.final = adapters::Step::fail("the adapter asked for more than " +
                                          std::to_string(max_requests) + " requests");
      return result;
    }
    core::HttpResponse response = send(step.request);
    ++result.requests;
    result.last_status = response.status;
    so_far.push_back({std::move(step.request), std::move(response)});
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
      [&](std::span<const adapters::Exchange> so_far) {
        return adapter.log_step(record, so_far, attempt);
      },
      send, max_requests);
}

JobResult run_lookup(const adapters::CrmAdapter& adapter, const core::PhoneNumber& number,
                     const SendFn& send, int max_requests) {
  return run_steps(
      [&](std::span<const adapters::Exchange> so_far) {
        return adapter.lookup_step(number, so_far);
      },
      send, max_requests);
}

JobResult run_create(const adapters::CrmAdapter& adapter, const core::PhoneNumber& number,
                     const SendFn& send, int max_requests) {
  return run_steps(
      [&](std::span<const adapters::Exchange> so_far) {
        return adapter.create_step(number, so_far);
      },
      send, max_requests);
}

}  // namespace cti::webhooks
