// server/internal/envelope.h: a single-pass scan of an AdmissionReview body for the few fields
// the server needs before calling the handler (apiVersion, kind, request.uid, request.operation,
// request.kind.kind, request.namespace, request.name): envelope checks, log fields and metric
// labels without building a second JSON document (the handler parses the body once itself).
//
// Not a validator: for valid JSON the result is exact; for invalid JSON it may succeed, and
// then the handler's full parse rejects the body (400). Bounded: no recursion beyond the three
// envelope levels, skipped values are walked with an explicit depth counter.
#pragma once

#include <string>
#include <string_view>

namespace celgate::server::internal {

struct Envelope {
  std::string api_version;
  std::string kind;
  bool has_request = false;  // "request" is an object
  std::string uid;
  std::string operation;
  std::string resource_kind;  // request.kind.kind
  std::string ns;
  std::string name;
};

// False (with `error`) when `body` is not a JSON object.
bool ScanEnvelope(std::string_view body, Envelope* out, std::string* error);

}  // namespace celgate::server::internal
