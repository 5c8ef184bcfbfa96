//! planpress: a static site generator for government plans.
//!
//! The modules follow the pipeline: [`content`] loads files into the
//! [`model`], [`index`] cross-references units, topics and jurisdictions,
//! [`render`] turns them into pages, [`search`] makes the search index and
//! [`output`] writes the site.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod import;
pub mod index;
pub mod init;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod slug;
pub mod urls;
