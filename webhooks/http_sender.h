#pragma once
// The one place that opens outbound HTTP connections. An interface so engine
// tests can count calls; the real one is cpp-httplib.
#include <chrono>
#include <memory>

#include "connector/core/http_request.h"

namespace cti::webhooks {

class HttpSender {
 public:
  virtual ~HttpSender() = default;
  // Sends `request` as is (headers, body). Network errors (refused, timeout,
  // TLS failure, bad URL) return status 0 with the error text in body.
  // Must be safe to call from several threads at once.
  virtual core::HttpResponse send(const core::HttpRequest& request,
                                  std::chrono::milliseconds timeout) = 0;
};

// cpp-httplib client for http:// and https:// (OpenSSL; server certificates
// are verified against the system CA store). Keeps idle keep-alive
// connections per origin for reuse.
// `ca_file`: PEM bundle of the CAs to trust instead of the system store (a
// CRM or receiver behind a private CA); empty = system store.
std::unique_ptr<HttpSender> make_httplib_sender(std::string ca_file = {});

}  // namespace cti::webhooks
