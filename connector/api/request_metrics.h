#pragma once
// Counting API traffic in the process-wide Prometheus registry:
//   cti_api_requests_total{route,status}
//   cti_api_request_duration_seconds{route}   (histogram)
//   cti_api_connections_active, cti_api_connections_rejected_total
#include <chrono>
#include <cstdint>
#include <string_view>

namespace cti::api {

void record_request(std::string_view route, unsigned status, std::chrono::duration<double> elapsed);
void record_connections_active(std::int64_t n);
void record_connection_rejected();

}  // namespace cti::api
