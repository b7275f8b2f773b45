#include "connector/api/request_metrics.h"

#include <string>

#include "connector/common/metrics.h"

namespace cti::api {

void record_request(std::string_view route, unsigned status) {
  common::default_registry()
      .counter("cti_api_requests_total", "API requests by route template and status code",
               {{"route", std::string(route)}, {"status", std::to_string(status)}})
      .inc();
}

void record_request_duration(std::string_view route, std::chrono::duration<double> elapsed) {
  common::default_registry()
      .histogram("cti_api_request_duration_seconds",
                 "API request handling time, from request read to response written",
                 {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5}, {{"route", std::string(route)}})
      .observe(elapsed.count());
}

void record_connections_active(std::int64_t n) {
  common::default_registry().gauge("cti_api_connections_active", "Open API connections").set(n);
}

void record_connection_rejected() {
  common::default_registry()
      .counter("cti_api_connections_rejected_total",
               "API connections closed at once because max_connections was reached")
      .inc();
}

}  // namespace cti::api
