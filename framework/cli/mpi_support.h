#pragma once
/// `qexp run --mpi`: the MPI process group as shards of one run. Compiled with MPI only when the
/// build found it (CMake option QEXP_WITH_MPI, AUTO by default); otherwise mpi_start explains
/// how to get it.

#include <functional>

#include "framework/core/status.h"

namespace qexp::cli {

struct MpiSession {
  int rank = 0, size = 1;
  std::function<void()> barrier;  ///< MPI_Barrier on MPI_COMM_WORLD
};

/// Whether this binary was built with MPI.
bool mpi_built();
/// MPI_Init and the world communicator's rank and size. Error (kUnimplemented) without MPI.
Result<MpiSession> mpi_start();
/// MPI_Finalize (no-op if mpi_start was not called).
void mpi_finish();

}  // namespace qexp::cli
