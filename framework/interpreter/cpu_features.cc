#include "framework/interpreter/cpu_features.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "framework/core/strings.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define QEXP_X86 1
#endif

namespace qexp::interp {
namespace {

#if defined(QEXP_X86)
uint64_t xgetbv0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

Isa probe() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return Isa::kPortable;
  __cpuid(1, a, b, c, d);
  const bool osxsave = (c & (1u << 27)) != 0;
  const bool fma = (c & (1u << 12)) != 0;
  const bool f16c = (c & (1u << 29)) != 0;
  if (!osxsave) return Isa::kPortable;
  const uint64_t xcr0 = xgetbv0();
  const bool os_avx = (xcr0 & 0x6) == 0x6;             // XMM + YMM state
  const bool os_avx512 = (xcr0 & 0xe6) == 0xe6;        // + opmask, ZMM_Hi256, Hi16_ZMM
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = (b & (1u << 5)) != 0;
  const bool avx512f = (b & (1u << 16)) != 0, avx512dq = (b & (1u << 17)) != 0;
  const bool avx512bw = (b & (1u << 30)) != 0, avx512vl = (b & (1u << 31)) != 0;
  const bool vnni = (c & (1u << 11)) != 0;
  if (!(os_avx && avx2 && fma && f16c)) return Isa::kPortable;
  if (!(os_avx512 && avx512f && avx512dq && avx512bw && avx512vl)) return Isa::kAvx2;
  return vnni ? Isa::kAvx512Vnni : Isa::kAvx512;
}
#else
Isa probe() { return Isa::kPortable; }
#endif

constexpr Isa kAll[] = {Isa::kPortable, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni};

}  // namespace

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::kPortable:
      return "portable";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx512Vnni:
      return "avx512vnni";
  }
  return "portable";
}

Result<Isa> parse_isa(std::string_view name) {
  for (Isa isa : kAll) {
    if (isa_name(isa) == name) return isa;
  }
  return invalid_argument(str_cat("unknown instruction set ", quoted(name),
                                  "; expected portable, avx2, avx512 or avx512vnni"));
}

Isa detected_isa() {
  static const Isa detected = probe();
  return detected;
}

Isa default_isa() {
  static const Isa isa = [] {
    const char* env = std::getenv("QEXP_ISA");
    if (env == nullptr || *env == '\0') return detected_isa();
    auto parsed = parse_isa(env);
    if (!parsed.ok()) {
      std::fprintf(stderr, "qexp: QEXP_ISA: %s (ignored)\n", parsed.status().message().c_str());
      return detected_isa();
    }
    return effective_isa(*parsed);
  }();
  return isa;
}

Isa effective_isa(std::optional<Isa> requested) {
  if (!requested.has_value()) return default_isa();
  const Isa d = detected_isa();
  return static_cast<int>(*requested) < static_cast<int>(d) ? *requested : d;
}

}  // namespace qexp::interp
