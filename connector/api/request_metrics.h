#pragma once
// Counting API traffic in the process-wide Prometheus registry:
//   cti_api_requests_total{route,status}
//   cti_api_request_duration_seconds{route}   (histogram)
//   cti_api_connections_active, cti_api_connections_rejected_total
#include <chrono>
#include <cstdint>
#include <string_view>

namespace cti::api {

// Counted before the response is written, so a client that has the response
// already sees it in /metrics.
void record_request(std::string_view route, unsigned status);
// Observed once the response is written.
void record_request_duration(std::string_view route, std::chrono::duration<double> elapsed);
void record_connections_active(std::int64_t n);
void record_connection_rejected();

}  // namespace cti::api
