// cel/eval/internal/steps.h: the evaluator's step tree and per-evaluation frame. Private to
// cel/eval; users include cel/cel.h.
//
// A planned expression is a tree of Steps. Each Step evaluates its children and returns a
// Value; CEL errors are Values. Machinery failures (cost, deadline) set Frame::aborted and
// every step returns at once, so `||` cannot swallow them (STYLE.md H4).
#pragma once

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cel/common/function.h"
#include "cel/eval/program.h"

namespace celgate::cel::internal {

struct Frame {
  Arena* arena = nullptr;
  const Activation* activation = nullptr;
  CallContext ctx;
  Value* locals = nullptr;
  Value* lazy_cache = nullptr;
  uint8_t* lazy_state = nullptr;  // 0 = not computed, 1 = computing, 2 = computed
  uint64_t cost = 0;
  uint64_t limit = 0;
  const EvalOptions* options = nullptr;
  Trace* trace = nullptr;
  uint32_t iterations = 0;
  bool aborted = false;
  Status status;

  // Adds `units` to the running cost; aborts once over the limit. Small enough to inline at
  // every step; the abort is out of line.
  bool Charge(uint64_t units) {
    cost += units;
    if (limit != 0 && cost > limit) [[unlikely]] {
      return OverLimit();
    }
    return true;
  }
  [[gnu::noinline, gnu::cold]] bool OverLimit() {
    Abort(ResourceExhaustedError("operation cancelled: actual cost limit exceeded"));
    return false;
  }
  void Abort(Status s) {
    if (!aborted) {
      aborted = true;
      status = std::move(s);
    }
  }
  // Called once per comprehension iteration.
  bool Tick() {
    if (++iterations % options->check_interval == 0 && options->deadline.Expired()) [[unlikely]] {
      return DeadlinePassed();
    }
    return true;
  }
  [[gnu::noinline, gnu::cold]] bool DeadlinePassed() {
    Abort(DeadlineExceededError("operation cancelled: evaluation deadline exceeded"));
    return false;
  }
  Value Error(std::string_view m) { return MakeError(*arena, m); }
};

class Step {
 public:
  explicit Step(ExprId id) : id_(id) {}
  virtual ~Step() = default;
  virtual Value Eval(Frame& f) const = 0;
  // The constant this step always yields, if it is a constant (for folding).
  virtual const Value* constant() const { return nullptr; }
  ExprId id() const { return id_; }

 private:
  ExprId id_;
};

using StepPtr = std::unique_ptr<Step>;

// Helpers shared by steps and the standard library.
inline uint64_t CostOfSize(size_t n, double factor) {
  return static_cast<uint64_t>(std::ceil(static_cast<double>(n) * factor));
}

}  // namespace celgate::cel::internal
