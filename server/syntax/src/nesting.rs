//! A limit on the nesting of what is read back from a saved evaluation. Serde's derived readers
//! recurse once per level, so a damaged or crafted file nesting arrays a million deep would
//! overflow the reading thread's stack (an abort, not an error) before any check could refuse it.

use std::cell::Cell;

use serde::de::{Deserialize, Deserializer, Error};

/// Far deeper than the arrays and objects of real schema files, and shallow enough for a thread's
/// default 2 MiB stack even in a debug build (about 5 KiB per level there; ~350 levels overflow).
/// A deeper value is refused, and its file evaluated as usual.
const MAX_NESTING: usize = 128;

thread_local! {
    static NESTING: Cell<usize> = const { Cell::new(0) };
}

/// One level entered; left when dropped, also when the reader fails or unwinds.
struct Level;

impl Drop for Level {
    fn drop(&mut self) {
        NESTING.set(NESTING.get().saturating_sub(1));
    }
}

/// Reads a `T` one level deeper (`#[serde(deserialize_with = "crate::nesting::nested")]` on the
/// fields through which a type holds itself), refusing what nests beyond [`MAX_NESTING`].
pub(crate) fn nested<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let depth = NESTING.get();
    if depth >= MAX_NESTING {
        return Err(D::Error::custom("nested too deeply"));
    }
    NESTING.set(depth + 1);
    let _level = Level;
    T::deserialize(deserializer)
}
