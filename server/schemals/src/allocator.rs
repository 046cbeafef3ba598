//! How the server's memory allocator keeps freed memory.
//!
//! glibc gives each thread that allocates its own arena (up to eight per core) and keeps what is
//! freed in an arena for that arena's threads. The server builds a snapshot on one blocking
//! thread, reads the database on an async worker and drops old snapshots on whichever thread
//! replaced them: freed memory piles up in arenas that do not serve the next allocation, and the
//! resident size grew to three times the live heap (measured with heaptrack: 48 MB live, 159 MiB
//! resident at 1,000 tables with the database up; see BENCHMARKS.md). One arena for all threads
//! reuses what any of them freed; the server's threads seldom allocate at the same time, so the
//! shared lock costs nothing measurable.

/// Called first thing in the server, before any other thread exists.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn use_one_arena() {
    // SAFETY: mallopt only sets a tunable of glibc's allocator; it has no pointer arguments and
    // no precondition beyond being called with a known parameter, M_ARENA_MAX here.
    // It fails only for an unknown parameter; the default then stays, which is correct too.
    unsafe { libc::mallopt(libc::M_ARENA_MAX, 1) };
}

/// Other allocators keep no per-thread arenas of this kind.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn use_one_arena() {}
