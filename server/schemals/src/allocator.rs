//! How the server's memory allocator keeps freed memory.
//!
//! glibc gives each thread that allocates its own arena (up to eight per core) and keeps what is
//! freed in an arena for that arena's threads. The server builds snapshots on blocking threads,
//! reads the database on async workers and drops old snapshots on whichever thread replaced them:
//! freed memory piled up in arenas that did not serve the next allocation, and the resident size
//! grew to three times the live heap (heaptrack: 48 MB live, 142-159 MiB resident at 1,000 tables
//! with the database up). Two arenas keep it at 87 MiB. One arena gave 70 MiB but made the two
//! threads that parse the project at start-up wait on each other (first diagnostics 100 ms later);
//! see BENCHMARKS.md.

/// Called first thing in the server, before any other thread exists.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn limit_arenas() {
    // SAFETY: mallopt only sets a tunable of glibc's allocator; it has no pointer arguments and
    // no precondition beyond being called with a known parameter, M_ARENA_MAX here.
    // It fails only for an unknown parameter; the default then stays, which is correct too.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, 2) };
}

/// Other allocators keep no per-thread arenas of this kind.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_arenas() {}
