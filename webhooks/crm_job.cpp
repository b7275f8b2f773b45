#include "webhooks/crm_job.h"

#include <vector>

namespace cti::webhooks {

JobResult run_crm_log(const adapters::CrmAdapter& adapter, const core::CallRecord& record,
                      int attempt, const SendFn& send, int max_requests) {
  std::vector<adapters::Exchange> so_far;
  JobResult result;
  for (;;) {
    adapters::Step step = adapter.log_step(record, so_far, attempt);
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

}  // namespace cti::webhooks
