//! Field ids of the TypeScript grammar, looked up once. `child_by_field_name` compares the name
//! with every field name of the grammar on each call: it was a sixth of the evaluation's time.
//!
//! Use: `node.child_by_field_id(field::name())`.

use std::sync::LazyLock;

macro_rules! fields {
    ($($name:ident),* $(,)?) => {
        struct Ids {
            $($name: u16,)*
        }

        static IDS: LazyLock<Ids> = LazyLock::new(|| {
            let language: tree_sitter::Language =
                tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into();
            // A name the grammar lacks gets 0, which no child has: the lookup finds nothing.
            let id = |name: &str| language.field_id_for_name(name).map_or(0, |id| id.get());
            Ids {
                $($name: id(stringify!($name)),)*
            }
        });

        #[cfg(test)]
        const ALL: &[(&str, fn() -> u16)] = &[$((stringify!($name), $name)),*];

        $(
            #[doc = concat!("The id of the `", stringify!($name), "` field.")]
            pub fn $name() -> u16 {
                IDS.$name
            }
        )*
    };
}

fields!(
    alias,
    arguments,
    body,
    declaration,
    function,
    index,
    key,
    left,
    name,
    object,
    operator,
    parameter,
    parameters,
    pattern,
    property,
    right,
    source,
    value,
);

#[cfg(test)]
mod tests {
    #[test]
    fn every_field_is_one_of_the_grammar() {
        for (name, id) in super::ALL {
            assert_ne!(id(), 0, "the TypeScript grammar has no field `{name}`");
        }
    }
}
