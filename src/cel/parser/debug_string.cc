// cel/parser/debug_string.cc: DebugString(), the S-expression rendering of an AST. See parser.h.
//
// Walks the tree with an explicit stack (STYLE.md H11), so hand-built ASTs of any depth are safe.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cel/parser/parser.h"

namespace celgate::cel {
namespace {

std::string_view MacroName(MacroKind kind) {
  switch (kind) {
    case MacroKind::kNone:
      return "none";
    case MacroKind::kAll:
      return "all";
    case MacroKind::kExists:
      return "exists";
    case MacroKind::kExistsOne:
      return "exists_one";
    case MacroKind::kMap:
      return "map";
    case MacroKind::kMapFilter:
      return "map_filter";
    case MacroKind::kFilter:
      return "filter";
    case MacroKind::kBind:
      return "bind";
    case MacroKind::kAll2:
      return "all2";
    case MacroKind::kExists2:
      return "exists2";
    case MacroKind::kExistsOne2:
      return "exists_one2";
    case MacroKind::kTransformList:
      return "transform_list";
    case MacroKind::kTransformListFilter:
      return "transform_list_filter";
    case MacroKind::kTransformMap:
      return "transform_map";
    case MacroKind::kTransformMapFilter:
      return "transform_map_filter";
    case MacroKind::kTransformMapEntry:
      return "transform_map_entry";
    case MacroKind::kTransformMapEntryFilter:
      return "transform_map_entry_filter";
    case MacroKind::kOptMap:
      return "opt_map";
    case MacroKind::kOptFlatMap:
      return "opt_flat_map";
  }
  return "?";
}

void AppendHexByte(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out += "\\x";
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

// Quoted, escaped text. Strings keep non-ASCII UTF-8 as is; bytes show it as \xHH.
std::string Quote(const std::string& s, bool bytes) {
  std::string out = bytes ? "b\"" : "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
          AppendHexByte(c, &out);
        } else {
          out.push_back(ch);
        }
    }
  }
  out += "\"";
  return out;
}

std::string FormatDouble(double d) {
  if (std::isnan(d)) {
    return "NaN";
  }
  if (std::isinf(d)) {
    return d > 0 ? "+Inf" : "-Inf";
  }
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, ec == std::errc() ? ptr : buf);
  if (s.find_first_of(".e") == std::string::npos) {
    s += ".0";
  }
  return s;
}

std::string FormatConstant(const Constant& c) {
  switch (c.kind) {
    case ConstantKind::kNull:
      return "null";
    case ConstantKind::kBool:
      return c.bool_value ? "true" : "false";
    case ConstantKind::kInt:
      return std::to_string(c.int_value);
    case ConstantKind::kUint:
      return std::to_string(c.uint_value) + "u";
    case ConstantKind::kDouble:
      return FormatDouble(c.double_value);
    case ConstantKind::kString:
      return Quote(c.string_value, false);
    case ConstantKind::kBytes:
      return Quote(c.string_value, true);
  }
  return "?";
}

// A pending piece of output: literal text or a node still to render.
using Item = std::variant<std::string, const Expr*>;

class Printer {
 public:
  explicit Printer(bool with_ids) : with_ids_(with_ids) {}

  std::string Run(const Expr& root) {
    stack_.push_back(&root);
    while (!stack_.empty()) {
      Item item = std::move(stack_.back());
      stack_.pop_back();
      if (auto* text = std::get_if<std::string>(&item)) {
        out_ += *text;
      } else {
        Expand(std::get<const Expr*>(item));
      }
    }
    return std::move(out_);
  }

 private:
  // Pushes the pieces of `e` so that they pop in order.
  void Expand(const Expr* e) {
    std::vector<Item> parts;
    if (e == nullptr) {
      parts.emplace_back(std::string("<null>"));
    } else {
      Render(*e, &parts);
      if (with_ids_) {
        parts.emplace_back("^#" + std::to_string(e->id));
      }
    }
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      stack_.push_back(std::move(*it));
    }
  }

  static void Render(const Expr& e, std::vector<Item>* parts) {
    const auto text = [&](std::string s) { parts->emplace_back(std::move(s)); };
    const auto node = [&](const Expr* child) { parts->emplace_back(child); };
    switch (e.kind) {
      case ExprKind::kUnspecified:
        text("<error>");
        return;
      case ExprKind::kConstant:
        text(FormatConstant(e.constant));
        return;
      case ExprKind::kIdent:
        text(e.name);
        return;
      case ExprKind::kSelect:
        if (e.test_only) {
          text("has(");
          node(e.operand.get());
          text("." + e.name + ")");
        } else {
          node(e.operand.get());
          text("." + e.name);
        }
        return;
      case ExprKind::kCall:
        if (e.target != nullptr) {
          text("(." + e.name + " ");
          node(e.target.get());
        } else {
          text("(" + e.name);
        }
        for (const ExprPtr& a : e.args) {
          text(" ");
          node(a.get());
        }
        text(")");
        return;
      case ExprKind::kList: {
        text("[");
        for (size_t i = 0; i < e.args.size(); ++i) {
          bool optional = false;
          for (int32_t idx : e.optional_indices) {
            optional = optional || idx == static_cast<int32_t>(i);
          }
          text(std::string(i > 0 ? " " : "") + (optional ? "?" : ""));
          node(e.args[i].get());
        }
        text("]");
        return;
      }
      case ExprKind::kMap:
      case ExprKind::kStruct: {
        text(e.kind == ExprKind::kStruct ? e.name + "{" : "{");
        for (size_t i = 0; i < e.entries.size(); ++i) {
          const Entry& en = e.entries[i];
          text(std::string(i > 0 ? " " : "") + (en.optional ? "?" : ""));
          if (e.kind == ExprKind::kStruct) {
            text(en.field);
          } else {
            node(en.key.get());
          }
          text(":");
          node(en.value.get());
        }
        text("}");
        return;
      }
      case ExprKind::kComprehension: {
        const Comprehension* c = e.comprehension.get();
        if (c == nullptr) {
          text("(fold <null>)");
          return;
        }
        std::string head = "(fold:" + std::string(MacroName(c->macro)) + " " + c->iter_var;
        if (!c->iter_var2.empty()) {
          head += "," + c->iter_var2;
        }
        text(head + " ");
        node(c->iter_range.get());
        text(" " + c->accu_var + " ");
        node(c->accu_init.get());
        text(" ");
        node(c->loop_condition.get());
        text(" ");
        node(c->loop_step.get());
        text(" ");
        node(c->result.get());
        text(")");
        return;
      }
    }
  }

  bool with_ids_;
  std::vector<Item> stack_;
  std::string out_;
};

}  // namespace

std::string DebugString(const Expr& expr, bool with_ids) { return Printer(with_ids).Run(expr); }

}  // namespace celgate::cel
