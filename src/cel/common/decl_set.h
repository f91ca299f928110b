// cel/common/decl_set.h: the merged declarations of an environment (variables, functions,
// type names, container), as the checker and the planner consult them at compile time.
// Built once from Libraries and variable declarations; immutable afterwards. Never used on
// the evaluation path.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cel/common/function.h"

namespace celgate::cel {

class DeclSet {
 public:
  // Adds every declaration of `lib`. Later libraries may add overloads to existing functions;
  // an overload id declared twice keeps the first.
  void AddLibrary(const Library& lib);
  void AddVariable(std::string name, Type type);
  void set_container(std::string c) { container_ = std::move(c); }

  const std::string& container() const { return container_; }
  const FunctionDecl* FindFunction(std::string_view name) const;
  // Slot index of a declared variable, or -1.
  int VariableSlot(std::string_view name) const;
  const VariableDecl& variable(int slot) const { return variables_[slot]; }
  size_t variable_count() const { return variables_.size(); }
  const std::vector<VariableDecl>& variables() const { return variables_; }
  // Type names usable as values (built-ins and library types).
  const Library::TypeNameDecl* FindTypeName(std::string_view name) const;
  // Candidate names for `name` under the container, most qualified first, as cel-go resolves:
  // container "a.b", name "c" -> "a.b.c", "a.c", "c". A leading '.' means root-only.
  std::vector<std::string> CandidateNames(std::string_view name) const;

 private:
  std::string container_;
  std::vector<std::unique_ptr<FunctionDecl>> functions_;
  std::unordered_map<std::string, FunctionDecl*> function_index_;
  std::vector<VariableDecl> variables_;
  std::unordered_map<std::string, int> variable_index_;
  std::vector<Library::TypeNameDecl> type_names_;
  std::unordered_map<std::string, size_t> type_name_index_;
};

}  // namespace celgate::cel
