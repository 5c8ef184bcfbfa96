//! The HTML renderer: every page, standard and 长者版, rendered in parallel
//! into a [`Sink`]. Only `build` and `serve` use it; everything else reads
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
                let r = self.write_pair(page, sink);
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

    /// Renders one page to HTML.
    pub fn render_page(&self, page: Page, elder: bool) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.common_context(page);
        self.input.page_context(page, &mut ctx)?;
        let mut content = Vec::new();
        self.page_content(page, &mut ctx, &mut content)?;
        let (mut layout, mut out) = (Vec::new(), Vec::new());
        self.render_version(page, &mut ctx, elder, &content, &mut layout, &mut out)?;
        if self.mark_chinese {
            super::editions::mark_chinese(&out, &mut layout);
            return Ok(layout);
        }
        Ok(out)
    }

    /// Renders the page's own template (its content) once, for both
    /// versions, into `out`, with [`ROOT_MARK`] as `root` (no `elder` or
    /// `twin`: only the layout differs between versions); `ctx` gets
    /// [`CONTENT_MARK`] as `content`, for the layout to print. A big site's
    /// pages are mostly content, so rendering it once instead of twice saves
    /// most of what the 长者版 would cost.
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

    /// Renders both versions of a page into `sink`. Each thread renders
    /// into the same buffers page after page: a fresh buffer per page
    /// costs more in allocation and page faults than the template itself.
    fn write_pair(&self, page: Page, sink: &dyn Sink) -> Result<(), Diagnostic> {
        thread_local! {
            static BUFFERS: std::cell::RefCell<[Vec<u8>; 4]> =
                const { std::cell::RefCell::new([Vec::new(), Vec::new(), Vec::new(), Vec::new()]) };
        }
        let mut ctx = self.common_context(page);
        self.input.page_context(page, &mut ctx)?;
        BUFFERS.with_borrow_mut(|[content, layout, html, marked]| {
            self.page_content(page, &mut ctx, content)?;
            for &elder in self.input.versions() {
                self.render_version(page, &mut ctx, elder, content, layout, html)?;
                let path = page.output_path_in(self.input.prefix(), self.input.site, elder);
                let html = match self.mark_chinese {
                    true => {
                        super::editions::mark_chinese(html, marked);
                        &*marked
                    }
                    false => &*html,
                };
                sink.put_slice(&path, html)
                    .map_err(|e| Diagnostic::error(path, 0, format!("cannot write: {e}")))?;
            }
            Ok(())
        })
    }

    /// Renders `page`'s layout (standard or elder) into `layout`, then the
    /// page into `out`: the layout with `content` where it prints
    /// [`CONTENT_MARK`], and the version's link prefix where the content
    /// holds [`ROOT_MARK`].
    fn render_version(
        &self,
        page: Page,
        ctx: &mut Context,
        elder: bool,
        content: &[u8],
        layout: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        let root = self.input.urls.root_in(self.input.prefix(), elder);
        ctx.insert("root", &root);
        ctx.insert("elder", &elder);
        ctx.insert("twin", &self.input.twin(page, elder));
        ctx.insert("editions", &self.input.alternates(page, elder));
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
            resolve_root_append(content, &root, out);
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

    /// What both versions of a page share (all but `root`, `elder`, `twin`).
    fn common_context(&self, page: Page) -> Context {
        let mut ctx = self.every_page.clone();
        ctx.insert("page", &self.input.page_info(page));
        ctx
    }
}
