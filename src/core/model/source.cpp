#include "model/source.hpp"

namespace quarry {

const ColumnInfo* SourceInfo::find_column(std::string_view name) const {
    for (const ColumnInfo& c : columns) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

const std::string* SourceInfo::find_formula(std::string_view name) const {
    for (const auto& [formula_name, text] : formulas) {
        if (formula_name == name) return &text;
    }
    return nullptr;
}

}  // namespace quarry
