#pragma once
// Reading CRM answers by JSON pointer (RFC 6901, "/list/0/id") for the
// template adapter. CRMs disagree on how "nothing" looks: Odoo says `false`,
// others `null` or "": all of them read as absent.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cti::adapters::tmpl {

// The value at `pointer` ("" = the document itself); nullptr when absent or
// the pointer does not fit the document.
const nlohmann::json* at(const nlohmann::json& doc, const std::string& pointer);

// The value as text: strings as they are, numbers as digits ("7"), true as
// "true"; false, null, "", objects and arrays as nullopt.
std::optional<std::string> text_at(const nlohmann::json& doc, const std::string& pointer);

// Present and not 0, false, null, "", [] or {}.
bool truthy_at(const nlohmann::json& doc, const std::string& pointer);

}  // namespace cti::adapters::tmpl
