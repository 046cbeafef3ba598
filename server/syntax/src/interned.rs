//! Serde for the `&'static str` the model holds (diagnostic codes, field modifiers): read back
//! as one leaked copy per distinct text, so a restored model costs no more than a few bytes each.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Deserializer, Serializer};

/// A `&'static str` under another name: serde's derive would otherwise borrow it from the input.
pub type StaticStr = &'static str;

/// The `'static` copy of `text`, made once per distinct text.
fn intern(text: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(known) = seen.get(text) {
        return known;
    }
    let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

pub(crate) fn serialize<S: Serializer>(text: &&'static str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    Ok(intern(&String::deserialize(d)?))
}

pub(crate) mod option {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        text: &Option<&'static str>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match text {
            Some(text) => s.serialize_some(*text),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<&'static str>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(|text| intern(&text)))
    }
}
