#include "framework/cli/mpi_support.h"

#ifdef QEXP_WITH_MPI
#include <mpi.h>
#endif

namespace qexp::cli {

#ifdef QEXP_WITH_MPI
namespace {
bool g_started = false;
}

bool mpi_built() { return true; }

Result<MpiSession> mpi_start() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized && MPI_Init(nullptr, nullptr) != MPI_SUCCESS) {
    return Status(StatusCode::kFailedPrecondition, "--mpi: MPI_Init failed");
  }
  g_started = true;
  MpiSession s;
  MPI_Comm_rank(MPI_COMM_WORLD, &s.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &s.size);
  s.barrier = [] { MPI_Barrier(MPI_COMM_WORLD); };
  return s;
}

void mpi_finish() {
  if (g_started) MPI_Finalize();
  g_started = false;
}
#else
bool mpi_built() { return false; }

Result<MpiSession> mpi_start() {
  return Status(StatusCode::kUnimplemented,
                "--mpi: this qexp was built without MPI; install libopenmpi-dev and rebuild "
                "(CMake finds it; -DQEXP_WITH_MPI=ON to require it), or use --shard i/N");
}

void mpi_finish() {}
#endif

}  // namespace qexp::cli
