#pragma once
// The /dial page: where tel: and callto: links land. It shows the number,
// asks for confirmation, and places the call through POST /v1/calls with
// the token the browser already holds (saved by the agent panel, or typed
// once here). Static: it carries no data, so it needs no authentication.
#include <string_view>

namespace cti::api {

std::string_view dial_page_html();

}  // namespace cti::api
