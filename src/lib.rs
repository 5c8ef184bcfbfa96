//! planpress: a static site generator for government plans (法治建设规划,
//! 实施方案, 分工方案…). It reads a site folder (`site.yaml`, `content/`, an
//! optional theme) and writes a government-portal website: a page per plan,
//! unit, topic and jurisdiction, each with a 长者版 (elder) twin, open data
//! and a static search index.
//!
//! # The pipeline
//!
//! A build runs five stages, each a module (or folder) that hands the next
//! one a plain value:
//!
//! | stage | module | takes | gives |
//! | --- | --- | --- | --- |
//! | load content | [`content`] (with [`config`]) | the site folder (`&Path`) | [`content::LoadResult`]: a [`model::Site`] and [`diagnostics::Diagnostic`]s |
//! | model | [`model`] | | [`model::Site`]: plans, tasks, units, topics, jurisdictions, numbered by ids |
//! | cross-reference | [`index`] | `&Site` | [`index::Index`]: each unit's, topic's and jurisdiction's tasks and plans |
//! | render | [`render`], [`search`], with addresses from [`urls`] | `&Site`, `&Index`, a [`render::theme::Theme`] | [`render::views::Views`] (built once), then pages ([`render::html::Renderer`]), open data ([`render::data`], from a [`render::Input`]) and the search index ([`search`]) |
//! | write | [`output`] | bytes at relative paths, through a [`render::Sink`] | the published folder ([`output::Staging`], swapped in atomically) or memory for `serve` ([`serve::memory::MemorySink`]) |
//!
//! [`build`] runs the stages in order and times them (with `--compress` or
//! `--changes`, [`publish`] adds a deploy package to the staging folder
//! before the swap); into an output a build made before, it renders only
//! what [`affects`] says changed and links the rest ([`incremental`]); [`serve`] runs the same ones into memory and again
//! on every change; [`check`] stops after the model. [`import`] is not
//! part of the pipeline: it turns original documents (Word, PDF, saved web
//! pages) into content files.
//!
//! Every path and URL of the site (`plans/x/`, `elder/…`, `data/…`) comes
//! from [`urls`]. Only [`build`] and [`serve`] use the HTML renderer;
//! docs/architecture.md gives the rules of who imports whom and where a new
//! page type, data file or content field goes.
//!
//! # Example
//!
//! Building the repository's example site into memory, stage by stage:
//!
//! ```
//! use std::path::Path;
//!
//! use planpress::index::Index;
//! use planpress::render::{html::Renderer, theme::Theme, views::Views, Input};
//! use planpress::serve::memory::MemorySink;
//! use planpress::{content, urls};
//!
//! let root = Path::new(env!("CARGO_MANIFEST_DIR"));
//! // Load content: the model, or what is wrong where.
//! let loaded = content::load_site(root);
//! let site = loaded.site.expect("the example site loads");
//! // Cross-reference: which unit answers for which task.
//! let index = Index::build(&site);
//! // Render: the theme, the views every page shares, then pages and data.
//! let theme = Theme::load(root, &site.config).expect("the theme compiles");
//! let views = Views::build(&site, &index, &theme).expect("the views render");
//! let sink = MemorySink::default();
//! let pages = Renderer::new(&site, &index, &views, &theme)
//!     .render_all(&sink, &|| {})
//!     .expect("every page renders");
//! planpress::render::data::write_all(&Input::new(&site, &index, &views, &theme), &sink)
//!     .expect("the data files are written");
//! // Write: here into memory; `build` stages a folder the same way.
//! let files = sink.into_files();
//! assert_eq!(pages, 2 * Input::new(&site, &index, &views, &theme).pages().len());
//! let plan = urls::Page::Plan(0);
//! assert!(files.contains_key(&plan.output_path(&site, false)));
//! assert!(files.contains_key(&plan.output_path(&site, true)));
//! assert!(files.contains_key(urls::PLANS_JSON));
//! ```

pub mod affects;
pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod import;
pub mod incremental;
pub mod index;
pub mod init;
pub mod model;
pub mod output;
mod patterns;
pub mod publish;
pub mod render;
pub mod sealed;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod slug;
pub mod urls;
pub mod vocabulary;
pub mod yaml_lines;
