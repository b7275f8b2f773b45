#include "adapters/template/template_answer.h"

#include "adapters/template/template_filters.h"

namespace cti::adapters::tmpl {

using nlohmann::json;

const json* at(const json& doc, const std::string& pointer) {
  if (pointer.empty()) return &doc;
  // Pointers are checked when the config loads; a document of another shape
  // than the pointer expects is "absent", never an exception to the caller.
  try {
    const json::json_pointer p(pointer);
    if (!doc.contains(p)) return nullptr;
    return &doc.at(p);
  } catch (const json::exception&) {
    return nullptr;
  }
}

std::optional<std::string> text_at(const json& doc, const std::string& pointer) {
  const json* v = at(doc, pointer);
  if (!v) return std::nullopt;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
  }
  if (v->is_number_integer()) return std::to_string(v->get<long long>());
  if (v->is_number_unsigned()) return std::to_string(v->get<unsigned long long>());
  if (v->is_number_float()) return number_text(v->get<double>());
  if (v->is_boolean() && v->get<bool>()) return "true";
  return std::nullopt;
}

bool truthy_at(const json& doc, const std::string& pointer) {
  const json* v = at(doc, pointer);
  if (!v || v->is_null()) return false;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number()) return v->get<double>() != 0;
  if (v->is_string()) return !v->get_ref<const std::string&>().empty();
  if (v->is_array() || v->is_object()) return !v->empty();
  return true;
}

}  // namespace cti::adapters::tmpl
