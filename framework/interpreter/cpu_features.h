#pragma once
/// Runtime CPU dispatch: which instruction sets optimized kernels may use.
///
/// Optimized kernels are compiled once per instruction set (files named `*_avx2.cc`,
/// `*_avx512.cc`, `*_avx512vnni.cc` get the matching -m flags, see
/// framework/interpreter/CMakeLists.txt) and a kernel's Prepare picks the best implementation
/// the effective ISA allows. Every level includes the ones below it; `kPortable` is plain C++
/// and exists on every machine, so a kernel always has a fallback.

#include <optional>
#include <string_view>

#include "framework/core/status.h"

namespace qexp::interp {

enum class Isa : int {
  kPortable = 0,    ///< no vector extension assumed (plain C++, auto-vectorized for the baseline)
  kAvx2 = 1,        ///< AVX2 + FMA + F16C
  kAvx512 = 2,      ///< AVX-512 F, BW, DQ, VL (+ AVX2 level)
  kAvx512Vnni = 3,  ///< AVX-512 VNNI (vpdpbusd) on top of kAvx512
};

/// "portable", "avx2", "avx512", "avx512vnni".
std::string_view isa_name(Isa isa);
/// Inverse of isa_name; error listing the accepted names.
Result<Isa> parse_isa(std::string_view name);

/// The highest level this CPU and OS support (CPUID feature bits plus XGETBV: the OS must save
/// the AVX / AVX-512 registers). Computed once.
Isa detected_isa();

/// The level kernels use by default: detected_isa(), lowered by the environment variable
/// QEXP_ISA (one of the names above; a level above the detected one is capped to it; an unknown
/// name is ignored with a warning on stderr, once).
Isa default_isa();

/// min(requested, detected_isa()) when a level is requested, else default_isa().
Isa effective_isa(std::optional<Isa> requested);

}  // namespace qexp::interp
