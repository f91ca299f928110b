// cel/common/decl_set.cc: see decl_set.h.
#include "cel/common/decl_set.h"

namespace celgate::cel {

void DeclSet::AddLibrary(const Library& lib) {
  for (const FunctionDecl& f : lib.functions()) {
    auto it = function_index_.find(f.name);
    FunctionDecl* target;
    if (it == function_index_.end()) {
      functions_.push_back(std::make_unique<FunctionDecl>(FunctionDecl{f.name, {}}));
      target = functions_.back().get();
      function_index_[f.name] = target;
    } else {
      target = it->second;
    }
    for (const OverloadDecl& o : f.overloads) {
      bool dup = false;
      for (const OverloadDecl& e : target->overloads) {
        if (e.id == o.id) dup = true;
      }
      if (!dup) target->overloads.push_back(o);
    }
  }
  for (const VariableDecl& v : lib.variables()) AddVariable(v.name, v.type);
  for (const auto& t : lib.type_names()) {
    std::string name(t.info->name);
    if (type_name_index_.count(name)) continue;
    type_name_index_[name] = type_names_.size();
    type_names_.push_back(t);
  }
}

void DeclSet::AddVariable(std::string name, Type type) {
  auto it = variable_index_.find(name);
  if (it != variable_index_.end()) {
    variables_[it->second].type = std::move(type);
    return;
  }
  variable_index_[name] = static_cast<int>(variables_.size());
  variables_.push_back(VariableDecl{std::move(name), std::move(type)});
}

const FunctionDecl* DeclSet::FindFunction(std::string_view name) const {
  auto it = function_index_.find(std::string(name));
  return it == function_index_.end() ? nullptr : it->second;
}

int DeclSet::VariableSlot(std::string_view name) const {
  auto it = variable_index_.find(std::string(name));
  return it == variable_index_.end() ? -1 : it->second;
}

const Library::TypeNameDecl* DeclSet::FindTypeName(std::string_view name) const {
  auto it = type_name_index_.find(std::string(name));
  return it == type_name_index_.end() ? nullptr : &type_names_[it->second];
}

std::vector<std::string> DeclSet::CandidateNames(std::string_view name) const {
  std::vector<std::string> out;
  if (!name.empty() && name[0] == '.') {
    out.emplace_back(name.substr(1));
    return out;
  }
  std::string prefix = container_;
  while (!prefix.empty()) {
    out.push_back(prefix + "." + std::string(name));
    size_t dot = prefix.rfind('.');
    if (dot == std::string::npos) {
      prefix.clear();
    } else {
      prefix.resize(dot);
    }
  }
  out.emplace_back(name);
  return out;
}

}  // namespace celgate::cel
