#pragma once

#include <cstdio>
#include <cstdlib>

/// A property that must hold for every input: report and stop, so libFuzzer saves the input as a crash.
#define FUZZ_CHECK(condition, what)                                                                                    \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "property violated: %s (%s)\n", what, #condition);                                    \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)
