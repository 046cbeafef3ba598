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
//!
//! Even so an arena keeps what a build freed for a later allocation that fits, and the pages it
//! keeps stay resident: the pieces left between live allocations rarely fit the next build's,
//! and the resident size crept up with every keystroke (56 to 63 MiB over 40 keystrokes in the
//! generated file at 1,000 tables). The janitor frees replaced snapshots off the threads that
//! answer the editor and, after each publish, hands the free pages back (`malloc_trim`): the
//! keystroke's diagnostics are out by then, and the next build faults the pages in again (about
//! 1.5 ms of CPU per keystroke at 1,000 tables, for 6-11 MiB less resident; see BENCHMARKS.md).

use std::sync::OnceLock;
use std::sync::mpsc::{self, Sender};

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

enum Chore {
    /// A replaced snapshot, or anything else large that the editor need not wait to see freed.
    Free(Box<dyn Send>),
    /// A publish is out: what its build and the replaced snapshot freed goes back to the system.
    Release,
}

/// Frees `value` on the janitor's thread: a large snapshot takes milliseconds to free, which the
/// diagnostics of the next one need not wait for. Freed here if the janitor cannot be started.
pub fn free_later<T: Send + 'static>(value: T) {
    if let Err(mpsc::SendError(Chore::Free(value))) = janitor().send(Chore::Free(Box::new(value))) {
        drop(value);
    }
}

/// Notes that a publish is out: the memory freed since the last one is handed back now, when no
/// keystroke waits for it.
pub fn release_after_publish() {
    let _ = janitor().send(Chore::Release);
}

fn janitor() -> &'static Sender<Chore> {
    static JANITOR: OnceLock<Sender<Chore>> = OnceLock::new();
    JANITOR.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Chore>();
        // Without the thread the receiver is dropped and every send fails: freed in place.
        let _ = std::thread::Builder::new()
            .name("janitor".to_owned())
            .spawn(move || {
                for chore in receiver {
                    match chore {
                        Chore::Free(value) => drop(value),
                        Chore::Release => release_free_memory(),
                    }
                }
            });
        sender
    })
}

/// Hands the free pages of every arena back to the system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn release_free_memory() {
    // SAFETY: malloc_trim takes no pointer and may be called from any thread at any time.
    unsafe { libc::malloc_trim(0) };
}

/// Other allocators hand memory back by themselves.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_memory() {}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    /// Sends the name of the thread that drops it.
    struct Witness(mpsc::Sender<Option<String>>);

    impl Drop for Witness {
        fn drop(&mut self) {
            let _ = self
                .0
                .send(std::thread::current().name().map(str::to_owned));
        }
    }

    #[test]
    fn what_is_freed_later_is_freed_on_the_janitors_thread_around_releases() {
        let (sender, dropped) = mpsc::channel();
        super::release_after_publish();
        super::free_later(Witness(sender.clone()));
        super::release_after_publish();
        super::free_later(Witness(sender));
        for _ in 0..2 {
            let thread = dropped.recv_timeout(Duration::from_secs(30));
            assert_eq!(thread, Ok(Some("janitor".to_owned())));
        }
    }
}
