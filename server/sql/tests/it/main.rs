//! Integration tests of `schemals-sql`, in one binary: fixtures annotate the SQL they check.

mod check;
mod corpus;
mod diagnostics;
mod placeholders;
mod robustness;
mod statements;
