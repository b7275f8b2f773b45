#pragma once
// Browsers cannot set an Authorization header on a WebSocket, so the panel
// offers its token as a subprotocol next to ours:
//   new WebSocket(url, ["cti.v1", "bearer." + base64url(token)])
// (the Kubernetes convention). The token then never appears in a URL, where
// proxies and access logs would keep it. Pure parsing, no I/O.
#include <optional>
#include <string>
#include <string_view>

namespace cti::api {

inline constexpr std::string_view kWsProtocol = "cti.v1";

struct WsOffer {
  bool cti = false;                  // "cti.v1" was offered
  std::optional<std::string> token;  // decoded from "bearer.<base64url>"
};

// `header`: the Sec-WebSocket-Protocol value ("cti.v1, bearer.YWJj").
// A malformed bearer entry leaves `token` empty (the upgrade is then 401).
WsOffer parse_ws_protocols(std::string_view header);

// RFC 4648 §5 base64url, padding optional; nullopt on any other character.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace cti::api
