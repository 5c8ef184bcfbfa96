//! The integration tests, one module per file, compiled into one test
//! binary: 25 binaries each linked planpress and its dependencies again,
//! and ran one after another, each leaving a core idle while its slowest
//! test finished. Run one file's tests with `cargo test --test it NAME::`.

mod common;

mod addresses;
mod architecture;
mod build;
mod check;
mod corpus;
mod crash;
mod deadlines;
mod editions;
mod import;
mod incremental_build;
mod init;
mod limits;
mod load_cache;
mod messages;
mod publish;
mod ranking;
mod review;
mod safety;
mod schemas;
mod search;
mod security;
mod serve;
mod serve_edits;
mod topics;
