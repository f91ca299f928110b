// net/certs.h: throwaway PKI for tests, the demo and first installs (`celgate certs`).
//
// WriteCertificates creates, in `dir`: ca.crt/ca.key (self-signed CA), tls.crt/tls.key (a
// serving certificate for the given DNS names and IPs as SANs, signed by the CA, extended key
// usage serverAuth) and client.crt/client.key (CN "celgate-client", clientAuth), all EC P-256,
// keys written with mode 0600.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"

namespace celgate::net {

struct CertificateRequest {
  std::string dir;                     // created when missing
  std::vector<std::string> dns_names;  // SAN DNS entries; the first is also the CN
  std::vector<std::string> ips;        // SAN IP entries (v4 or v6)
  int days = 365;                      // validity of every certificate
  // Reuse ca.crt/ca.key when present in `dir` (so a new serving certificate chains to the same
  // CA, as a rotation does). Otherwise a new CA is made.
  bool reuse_ca = false;
};

Status WriteCertificates(const CertificateRequest& request);

// notAfter of the first certificate in a PEM file.
StatusOr<std::chrono::system_clock::time_point> CertificateNotAfter(const std::string& pem_file);

}  // namespace celgate::net
