#pragma once
// An HTTP request an adapter wants sent. Adapters build these; the delivery
// engine (webhooks/) stores and sends them. No sockets here.
#include <string>
#include <utility>
#include <vector>

namespace cti::core {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // besides the ones the engine adds
  std::string body;
  std::string content_type = "application/json";
  std::string idempotency_key;  // stable per call, event and adapter
  // A search sent as POST (HubSpot's search API, Odoo's JSON-RPC, a
  // template's lookups): it changes nothing, so the sender may send it
  // again when a reused connection breaks, as it does any GET.
  bool read_only = false;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

}  // namespace cti::core
