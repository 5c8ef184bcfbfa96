//! The HTML renderer: every page rendered in parallel into a [`Sink`], its
//! 长者版 the same file. Only `build` and `serve` use it; everything else reads
//! the model, the indexes, the views and [`crate::urls`].

use rayon::prelude::*;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::Site;
use crate::urls::{Page, ROOT_MARK, resolve_root_append};

use super::theme::{LAYOUT, Theme, template_error};
use super::views::Views;
use super::{Input, Sink};

/// Where the layout prints a page's content (rendered once for both
/// versions); like [`ROOT_MARK`], content cannot contain it.
pub const CONTENT_MARK: &str = "\u{1}";

/// Renders pages with shared views.
pub struct Renderer<'a> {
    pub input: Input<'a>,
    /// `site`, `static` and `static_version`, the same on every page: made once.
    every_page: Context,
    /// Whether Chinese runs are marked ([`super::editions::mark_chinese`]):
    /// on a translated edition's pages.
    mark_chinese: bool,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, index: &'a Index, views: &'a Views, theme: &'a Theme) -> Self {
        let input = Input::new(site, index, views, theme);
        let every_page = input.site_context();
        Renderer {
            input,
            every_page,
            mark_chinese: false,
        }
    }

    /// This renderer, for edition `edition` of `editions`: pages under its
    /// prefix, each with links to the same page in the others.
    pub fn with_edition(
        mut self,
        editions: &'a [super::editions::Edition],
        edition: usize,
    ) -> Self {
        self.input = self.input.with_edition(editions, edition);
        if let Some(e) = editions.get(edition) {
            self.every_page.insert("dir", &e.dir);
        }
        self
    }

    /// The renderer of an edition's pages: edition `position` of `list`,
    /// from its model `edition` (over the site's own `index`) with its
    /// `theme`; `build` and `serve` both render an edition so.
    pub fn of_edition(
        edition: &'a super::editions::EditionSite,
        index: &'a Index,
        theme: &'a Theme,
        list: &'a [super::editions::Edition],
        position: usize,
    ) -> Self {
        let r =
            Renderer::new(&edition.site, index, &edition.views, theme).with_edition(list, position);
        match edition.marks_chinese() {
            true => r.marking_chinese(),
            false => r,
        }
    }

    /// This renderer, marking the Chinese left in a translated edition.
    pub fn marking_chinese(mut self) -> Self {
        self.mark_chinese = true;
        self
    }

    /// How many files [`Renderer::render_all`] writes.
    pub fn files(&self) -> usize {
        self.pages().len() * self.input.versions().len()
    }

    /// Every page of the site.
    pub fn pages(&self) -> Vec<Page> {
        self.input.pages()
    }

    /// Renders every page, standard and elder (when the edition has a 长者版), into `sink`. Errors are
    /// returned sorted, so the first one is the same on every run.
    pub fn render_all(
        &self,
        sink: &dyn Sink,
        progress: &(dyn Fn() + Sync),
    ) -> Result<usize, Vec<Diagnostic>> {
        let pages = self.pages();
        let mut errors: Vec<Diagnostic> = pages
            .par_iter()
            .filter_map(|&page| {
                let r = self.write_page(page, sink, &|_| Ok(false));
                self.input.versions().iter().for_each(|_| progress());
                r.err()
            })
            .collect();
        if errors.is_empty() {
            Ok(pages.len() * self.input.versions().len())
        } else {
            crate::diagnostics::sort(&mut errors);
            errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
            Err(errors)
        }
    }

    /// Renders one page to HTML (`elder`: its 长者版, the same bytes but for
    /// the 404 page).
    pub fn render_page(&self, page: Page, elder: bool) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.common_context(page);
        self.input.page_context(page, &mut ctx)?;
        let mut content = Vec::new();
        self.page_content(page, &mut ctx, &mut content)?;
        let (mut layout, mut out) = (Vec::new(), Vec::new());
        let root = self.root(page, elder);
        self.render_frame(&mut ctx, &root, &content, &mut layout, &mut out)?;
        if self.mark_chinese {
            super::editions::mark_chinese(&out, &mut layout);
            return Ok(layout);
        }
        Ok(out)
    }

    /// `page`'s link prefix in version `elder` ([`crate::urls::Urls::page_root`]).
    fn root(&self, page: Page, elder: bool) -> String {
        let path = page.path(self.input.site);
        let urls = &self.input.urls;
        urls.page_root(page, &path, self.input.prefix(), elder)
    }

    /// Renders the page's own template (its content) once, for both
    /// versions, into `out`, with [`ROOT_MARK`] as `root`; `ctx` gets
    /// [`CONTENT_MARK`] as `content`, for the layout to print. A big site's
    /// pages are mostly content, so rendering it once saves most of what a
    /// second look (the 404 page's) would cost.
    fn page_content(
        &self,
        page: Page,
        ctx: &mut Context,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        ctx.insert("root", ROOT_MARK);
        out.clear();
        let theme = self.input.theme;
        theme
            .tera
            .render_to(page.template(), ctx, &mut *out)
            .map_err(|e| template_error(&e, &theme.sources))?;
        ctx.insert_value("content", tera::Value::safe_string(CONTENT_MARK));
        Ok(())
    }

    /// Renders a page into `sink`: once, its 长者版 stored as the same file
    /// (links are relative, and each version's stylesheet shows its parts
    /// of the frame); the 404 page, served at any depth, with absolute
    /// links, once a version. A version whose path `keep` takes (an
    /// incremental build links it from the previous output) is not
    /// written; nothing is rendered when `keep` takes them all. Returns
    /// (files written, files kept). Each thread renders into the same
    /// buffers page after page: a fresh buffer per page costs more in
    /// allocation and page faults than the template itself.
    pub fn write_page(
        &self,
        page: Page,
        sink: &dyn Sink,
        keep: &dyn Fn(&str) -> Result<bool, Diagnostic>,
    ) -> Result<(usize, usize), Diagnostic> {
        thread_local! {
            static BUFFERS: std::cell::RefCell<[Vec<u8>; 4]> =
                const { std::cell::RefCell::new([Vec::new(), Vec::new(), Vec::new(), Vec::new()]) };
        }
        let (site, prefix) = (self.input.site, self.input.prefix());
        let mut wanted = Vec::with_capacity(2);
        for &elder in self.input.versions() {
            let path = page.output_path_in(prefix, site, elder);
            if !keep(&path)? {
                wanted.push((path, elder));
            }
        }
        let kept = self.input.versions().len() - wanted.len();
        if wanted.is_empty() {
            return Ok((0, kept));
        }
        let mut ctx = self.common_context(page);
        self.input.page_context(page, &mut ctx)?;
        let cannot = |path: &str, e: std::io::Error| {
            Diagnostic::error(path, 0, format!("cannot write: {e}"))
        };
        BUFFERS.with_borrow_mut(|[content, layout, html, marked]| {
            self.page_content(page, &mut ctx, content)?;
            let mut first: Option<&str> = None;
            for (path, elder) in &wanted {
                if let (Some(like), false) = (first, page == Page::NotFound) {
                    let bytes = if self.mark_chinese { &*marked } else { &*html };
                    sink.put_twin(path, like, bytes)
                        .map_err(|e| cannot(path, e))?;
                    continue;
                }
                let root = self.root(page, *elder);
                self.render_frame(&mut ctx, &root, content, layout, html)?;
                let bytes = match self.mark_chinese {
                    true => {
                        super::editions::mark_chinese(html, marked);
                        &*marked
                    }
                    false => &*html,
                };
                sink.put_slice(path, bytes).map_err(|e| cannot(path, e))?;
                first = Some(path);
            }
            Ok((wanted.len(), kept))
        })
    }

    /// Renders the layout into `layout`, then the page into `out`: the
    /// layout with `content` where it prints [`CONTENT_MARK`], and `root`
    /// where the content holds [`ROOT_MARK`].
    fn render_frame(
        &self,
        ctx: &mut Context,
        root: &str,
        content: &[u8],
        layout: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        ctx.insert("root", root);
        layout.clear();
        let theme = self.input.theme;
        theme
            .tera
            .render_to(LAYOUT, ctx, &mut *layout)
            .map_err(|e| template_error(&e, &theme.sources))?;
        let mark = CONTENT_MARK.as_bytes()[0];
        let mut parts = layout.split(|&b| b == mark);
        out.clear();
        out.extend_from_slice(parts.next().unwrap_or_default());
        let mut printed = false;
        for rest in parts {
            resolve_root_append(content, root, out);
            out.extend_from_slice(rest);
            printed = true;
        }
        if !printed {
            let file = theme
                .sources
                .get(LAYOUT)
                .cloned()
                .unwrap_or_else(|| LAYOUT.into());
            return Err(
                Diagnostic::error(file, 0, "the layout does not print the page's content")
                    .with_hint("put `{{ content | safe }}` where pages go, inside <main>"),
            );
        }
        Ok(())
    }

    /// What both versions of a page share (all but `root`): the page, its
    /// addresses in both versions and in every edition.
    fn common_context(&self, page: Page) -> Context {
        let mut ctx = self.every_page.clone();
        ctx.insert("page", &self.input.page_info(page));
        ctx.insert("versions", &self.input.versions_of(page));
        ctx.insert("editions", &self.input.alternates(page));
        ctx
    }
}
