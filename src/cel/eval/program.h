// cel/eval/program.h: planned, immutable, thread-safe CEL programs and their inputs.
//
// Stage: planner (checked or parsed AST -> Program) and evaluator (Program + Activation ->
// Value). Users include cel/cel.h, which wraps parsing, checking and planning.
//
// A Program is built once per expression and shared by all threads; evaluation does no name
// lookup by string, no overload search and no regex compilation (STYLE.md H8, H9).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/arena.h"
#include "base/deadline.h"
#include "base/status.h"
#include "cel/common/ast.h"
#include "cel/common/checked.h"
#include "cel/common/decl_set.h"
#include "cel/common/value.h"

namespace celgate::cel {

// Kubernetes' per-expression runtime cost limit (staging/src/k8s.io/apiserver/pkg/apis/cel).
inline constexpr uint64_t kDefaultPerExpressionCostLimit = 1000000;

struct EvalOptions {
  // Abort with kResourceExhausted once the running cost exceeds this. 0 = unlimited.
  uint64_t cost_limit = kDefaultPerExpressionCostLimit;
  // kDeadlineExceeded after this; checked every `check_interval` comprehension iterations.
  Deadline deadline = Deadline::Infinite();
  uint32_t check_interval = 100;
  // Opaque services for library functions (e.g. an authorizer), passed in CallContext.
  const void* services = nullptr;
};

// Variable values for one evaluation, by slot (DeclSet::VariableSlot). Not thread-safe; one
// per evaluation. Values must outlive the evaluation.
class Activation {
 public:
  // A lazily computed binding; called at most once per evaluation, on first use.
  using LazyFn = Value (*)(const void* ctx, Arena& arena);

  explicit Activation(size_t slots = 0) : entries_(slots) {}
  void Resize(size_t slots) { entries_.resize(slots); }
  void Set(int slot, Value v) {
    Grow(slot);
    entries_[slot] = Entry{v, nullptr, nullptr, true};
  }
  void SetLazy(int slot, LazyFn fn, const void* ctx) {
    Grow(slot);
    entries_[slot] = Entry{Value(), fn, ctx, true};
  }
  void Clear(int slot) {
    if (slot >= 0 && static_cast<size_t>(slot) < entries_.size()) entries_[slot] = Entry{};
  }
  size_t size() const { return entries_.size(); }

  struct Entry {
    Value value;
    LazyFn fn = nullptr;
    const void* ctx = nullptr;
    bool bound = false;
  };
  const Entry& entry(size_t slot) const { return entries_[slot]; }

 private:
  void Grow(int slot) {
    if (static_cast<size_t>(slot) >= entries_.size()) entries_.resize(slot + 1);
  }
  std::vector<Entry> entries_;
};

struct EvalStats {
  uint64_t cost = 0;  // actual runtime cost
};

// Values of sub-expressions recorded during an explained evaluation (ExprId -> value).
using Trace = std::unordered_map<ExprId, Value>;

namespace internal {
class Step;
struct PlanState;
}  // namespace internal

class Program {
 public:
  Program(const Program&) = delete;  // owns its steps and prepared objects
  Program& operator=(const Program&) = delete;
  ~Program();

  // Evaluates once. A CEL error is returned as an OK StatusOr holding an error Value; a
  // Status means the machinery stopped (cost limit, deadline). Thread-safe.
  StatusOr<Value> Eval(const Activation& activation, Arena& arena,
                       const EvalOptions& options = {}, EvalStats* stats = nullptr,
                       Trace* trace = nullptr) const;

 private:
  friend struct internal::PlanState;
  Program();
  std::unique_ptr<internal::PlanState> state_;
};

struct PlanOptions {
  // Record sub-expression values when a Trace is passed to Eval (slower; --explain).
  bool enable_tracing = false;
  // Cost of has(): Kubernetes keeps 0 (cel-kubernetes.md 1.1).
  uint64_t presence_test_cost = 0;
};

// Plans `expr` for the declarations in `decls`. `checked` may be null (dynamic mode: calls
// are dispatched on runtime kinds among the declared overloads). Problems found while
// planning (unknown names, invalid constant regexes, ...) are appended to `issues`; the
// result is null when there are any errors. `decls` must outlive the Program only during
// this call (everything needed is copied).
std::unique_ptr<Program> Plan(const ParsedExpr& expr, const CheckedInfo* checked,
                              const DeclSet& decls, const PlanOptions& options,
                              std::vector<Issue>* issues);

}  // namespace celgate::cel
