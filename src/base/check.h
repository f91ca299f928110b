// base/check.h: invariant assertions (STYLE.md H7). Never use on input data.
#pragma once

#include <cstdio>
#include <cstdlib>

#define CG_CHECK(cond)                                                              \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: CG_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)

#ifdef NDEBUG
#define CG_DCHECK(cond) \
  do {                  \
  } while (false && (cond))
#else
#define CG_DCHECK(cond) CG_CHECK(cond)
#endif
