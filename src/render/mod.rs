//! Rendering: the theme's Tera templates turn views of the model into pages.
//!
//! [`theme`] finds and compiles templates (site-local ones first, then the
//! theme's); [`views`] builds what templates see, once per build;
//! [`contexts`] says what each page holds; [`html`] renders every page in
//! parallel into a [`Sink`]; [`data`] writes the open-data files; [`words`] holds the theme's words. All of
//! them read one [`Input`]; addresses come from [`crate::urls`].

pub mod contexts;
pub mod data;
pub mod editions;
pub mod html;
pub mod markdown;
pub mod qr;
pub mod theme;
pub mod views;
pub mod words;

use std::io;

use crate::index::Index;
use crate::model::Site;
use crate::urls::{Page, Urls};

use editions::Edition;
use theme::Theme;
use views::Views;

/// What rendering reads: the model, its indexes, the views every page
/// shares, the theme and the site's addresses. Pages and data files are
/// made from it alone.
pub struct Input<'a> {
    pub site: &'a Site,
    pub index: &'a Index,
    pub views: &'a Views,
    pub theme: &'a Theme,
    pub urls: Urls,
    /// The site's editions when it has more than its own pages
    /// ([`Input::with_edition`]); empty: its own pages only.
    pub editions: &'a [Edition],
    /// Which of `editions` this renders.
    pub edition: usize,
}

impl<'a> Input<'a> {
    pub fn new(site: &'a Site, index: &'a Index, views: &'a Views, theme: &'a Theme) -> Self {
        Input {
            site,
            index,
            views,
            theme,
            urls: Urls::new(&site.config),
            editions: &[],
            edition: 0,
        }
    }

    /// This input, rendering edition `edition` of `editions`.
    pub fn with_edition(mut self, editions: &'a [Edition], edition: usize) -> Self {
        self.editions = editions;
        self.edition = edition;
        self
    }

    /// The folder of the edition rendered (`hant/`), `` for the site's own.
    pub fn prefix(&self) -> &str {
        self.editions
            .get(self.edition)
            .map_or("", |e| e.prefix.as_str())
    }

    /// The versions of each page: standard, and elder when the edition has
    /// a 长者版 (the same file as the standard page but for the 404 page).
    pub fn versions(&self) -> &'static [bool] {
        let elder = self
            .editions
            .get(self.edition)
            .map_or(self.site.config.has_elder(), |e| e.elder);
        if elder { &[false, true] } else { &[false] }
    }

    /// Every page of the site.
    pub fn pages(&self) -> Vec<Page> {
        Page::all(self.site, self.index)
    }
}

/// Where rendered files go: a folder on disk for `build`, memory for `serve`.
pub trait Sink: Sync {
    /// Stores `bytes` at `path` (relative, `/`-separated, already checked to
    /// stay inside the output).
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()>;

    /// Stores a copy of `bytes` at `path` (a sink that writes files needs
    /// no copy: pages are rendered into buffers reused from page to page).
    fn put_slice(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(path, bytes.to_vec())
    }

    /// Stores at `path` the file already stored at `like`, whose bytes are
    /// `bytes` (a page's 长者版, the same file as its standard page): a sink
    /// that writes files links it, one that keeps bytes copies them.
    fn put_twin(&self, path: &str, like: &str, bytes: &[u8]) -> io::Result<()> {
        let _ = like;
        self.put_slice(path, bytes)
    }

    /// Stores what `write` writes at `path`: big files (all tasks as JSON or
    /// CSV) go to disk as they are made instead of whole into memory.
    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(path, bytes)
    }
}

/// HTML-escapes text for attributes and text nodes.
pub fn escape(text: &str) -> String {
    let mut buf = Vec::with_capacity(text.len());
    // Writing to a Vec cannot fail.
    let _ = tera::escape_html(text, &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}
