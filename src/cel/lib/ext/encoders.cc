// cel/lib/ext/encoders.cc: the encoders extension. Entry point: EncodersLibrary() in ext.h.
//
// cel-go ext/encoders.go: base64.encode uses the standard alphabet with padding;
// base64.decode accepts padded input and, failing that, unpadded input (Go's StdEncoding then
// RawStdEncoding; both skip '\r' and '\n'). Errors read as Go's:
// "illegal base64 data at input byte <n>".
#include <string>

#include "cel/lib/ext/ext.h"

namespace celgate::cel {
namespace {

using T = Type;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Sextet(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '+') return 62;
  if (ch == '/') return 63;
  return -1;
}

Value Encode(CallContext& c, const Value* a) {
  std::string_view in = a[0].bytes_value();
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                 (uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                 uint32_t{static_cast<unsigned char>(in[i + 2])};
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return MakeString(*c.arena, out);
}

// Decodes `in`; with `padded`, the input must be whole 4-character quanta, the last one
// possibly ending in "=" or "==". On failure returns false and sets *bad_offset to the input
// byte Go would report.
bool Decode(std::string_view in, bool padded, std::string* out, size_t* bad_offset) {
  uint32_t acc = 0;
  int n = 0;          // sextets in the current quantum
  int padding = 0;    // '=' seen
  size_t first_pad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char ch = in[i];
    if (ch == '\r' || ch == '\n') continue;
    if (ch == '=') {
      if (!padded || n < 2) {
        *bad_offset = i;
        return false;
      }
      if (padding == 0) first_pad = i;
      ++padding;
      if (n + padding > 4) {
        *bad_offset = i;
        return false;
      }
      continue;
    }
    if (padding > 0) {  // data after padding
      *bad_offset = i;
      return false;
    }
    int s = Sextet(ch);
    if (s < 0) {
      *bad_offset = i;
      return false;
    }
    acc = (acc << 6) | static_cast<uint32_t>(s);
    if (++n == 4) {
      out->push_back(static_cast<char>(acc >> 16));
      out->push_back(static_cast<char>(acc >> 8));
      out->push_back(static_cast<char>(acc));
      acc = 0;
      n = 0;
    }
  }
  if (padded && n != 0 && n + padding != 4) {
    *bad_offset = padding > 0 ? first_pad : in.size();
    return false;
  }
  if (!padded && n == 1) {
    *bad_offset = in.size() - 1;
    return false;
  }
  if (n == 2) {
    out->push_back(static_cast<char>(acc >> 4));
  } else if (n == 3) {
    out->push_back(static_cast<char>(acc >> 10));
    out->push_back(static_cast<char>(acc >> 2));
  }
  return true;
}

Value DecodeString(CallContext& c, const Value* a) {
  std::string_view in = a[0].string_value();
  std::string out;
  size_t bad = 0;
  if (Decode(in, true, &out, &bad)) return MakeBytes(*c.arena, out);
  out.clear();
  if (Decode(in, false, &out, &bad)) return MakeBytes(*c.arena, out);
  return c.Error("illegal base64 data at input byte " + std::to_string(bad));
}

}  // namespace

Library EncodersLibrary() {
  Library lib("cel.lib.ext.encoders");
  lib.Function("base64.encode").Raw("base64_encode_bytes", {T::Bytes()}, T::String(), &Encode);
  lib.Function("base64.decode")
      .Raw("base64_decode_string", {T::String()}, T::Bytes(), &DecodeString);
  return lib;
}

}  // namespace celgate::cel
