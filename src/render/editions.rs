//! Editions: the same site for other readers. The site's own pages (and
//! their 长者版) are one edition; site.yaml's `editions:` may add a 繁體
//! edition (`hant`), made from the simplified content under its own prefix
//! (`hant/`), with the theme's `words/zh-Hant.yaml` and its own `lang`.
//!
//! The 繁體 text is converted once per build, on a copy of the model
//! ([`convert_site`]), so the edition costs the pages it adds, not a
//! conversion per page. Paths and slugs are ASCII and not converted: a
//! page's path is the same in every edition, after the edition's prefix.
//! An edition carries its `dir` for editions written right to left later.

use std::path::Path;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::config::{HantConfig, SiteConfig};
use crate::diagnostics::Diagnostic;
use crate::model::{Block, DocMeta, Link, Plan, Site, Task};
use crate::urls::Page;

use super::Input;
use super::theme::Theme;

/// The theme's words file of the 繁體 edition.
pub const HANT_LANGUAGE: &str = "zh-Hant";

/// The writing direction of an edition's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    Ltr,
    Rtl,
}

/// One edition of the site, as its pages and the switcher see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Edition {
    /// Its folder (`hant/`), `` for the site's own pages.
    pub prefix: String,
    /// Its language (`lang`, `hreflang`, the theme's words file).
    pub lang: String,
    pub dir: Dir,
    /// Its name in its own words (`edition.name`), for the switcher.
    pub name: String,
    /// Whether it has a 长者版 of its own, under `{prefix}elder/`.
    pub elder: bool,
}

/// A build's editions: the list (the site's own first) and, when site.yaml
/// asks for it, the 繁體 edition's converter and theme (its words).
pub struct Editions {
    pub list: Vec<Edition>,
    pub hant: Option<(Hant, Theme)>,
}

impl Editions {
    /// The editions of the site whose own theme is `theme`.
    pub fn load(
        root: &Path,
        config: &SiteConfig,
        theme: &Theme,
    ) -> Result<Editions, Vec<Diagnostic>> {
        let mut list = vec![Edition {
            prefix: String::new(),
            lang: theme.language.clone(),
            dir: Dir::Ltr,
            name: String::new(),
            elder: config.has_elder(),
        }];
        let Some(settings) = config.hant() else {
            return Ok(Editions { list, hant: None });
        };
        let hant_theme = Theme::load_in(root, config, Some(HANT_LANGUAGE))?;
        let name = |t: &Theme| t.words.edition_name().map(str::to_string);
        list[0].name = name(theme).map_err(|d| vec![d])?;
        list.push(Edition {
            prefix: settings.prefix.clone(),
            lang: HANT_LANGUAGE.to_string(),
            dir: Dir::Ltr,
            name: name(&hant_theme).map_err(|d| vec![d])?,
            elder: settings.elder,
        });
        let hant = Hant::new(settings).map_err(|d| vec![d])?;
        Ok(Editions {
            list,
            hant: Some((hant, hant_theme)),
        })
    }
}

/// The same page in one edition, for the switcher and `hreflang`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Alternate {
    pub lang: String,
    pub dir: Dir,
    pub name: String,
    /// The link from the page (its version: the 长者版 where the edition
    /// has one).
    pub href: String,
    /// The standard version's full address, for `hreflang`.
    pub url: String,
    /// Whether it is the edition of the page itself.
    pub current: bool,
}

impl Input<'_> {
    /// The other version (standard or 长者版) of `page`: in the edition's
    /// own 长者版 when it has one, else the site's own; `None` when the
    /// site publishes no 长者版.
    pub fn twin(&self, page: Page, elder: bool) -> Option<String> {
        let path = page.path(self.site);
        let prefix = self.prefix();
        match (self.versions().len() > 1, elder) {
            (true, _) => Some(self.urls.version_of(page, &path, prefix, !elder)),
            (false, false) if self.site.config.has_elder() => {
                Some(self.urls.version_of(page, &path, "", true))
            }
            (false, _) => None,
        }
    }

    /// `page` in every edition; empty when the site has one edition.
    pub fn alternates(&self, page: Page, elder: bool) -> Vec<Alternate> {
        if self.editions.len() < 2 {
            return Vec::new();
        }
        let path = page.path(self.site);
        self.editions
            .iter()
            .enumerate()
            .map(|(i, e)| Alternate {
                lang: e.lang.clone(),
                dir: e.dir,
                name: e.name.clone(),
                href: self
                    .urls
                    .version_of(page, &path, &e.prefix, elder && e.elder),
                url: self.urls.url(&format!("{}{path}", e.prefix)),
                current: i == self.edition,
            })
            .collect()
    }
}

/// Simplified to traditional, phrase by phrase (`后台` → `後臺`, `头发` →
/// `頭髮`, `发展` → `發展`), leaving the site's exceptions as written.
pub struct Hant {
    exceptions: Option<AhoCorasick>,
}

impl Hant {
    pub fn new(config: &HantConfig) -> Result<Hant, Diagnostic> {
        let exceptions = match config.exceptions.is_empty() {
            true => None,
            false => Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&config.exceptions)
                    .map_err(|e| {
                        Diagnostic::error("site.yaml", 0, format!("the 繁體 exceptions: {e}"))
                            .with_hint("list plain strings under `exceptions:`")
                    })?,
            ),
        };
        Ok(Hant { exceptions })
    }

    /// `text` in traditional letters; the exceptions stay as written, and
    /// the text between them is converted piece by piece.
    pub fn convert(&self, text: &str) -> String {
        let converter = zhconv::get_builtin_converter(zhconv::Variant::ZhHant);
        let Some(exceptions) = &self.exceptions else {
            return converter.convert(text);
        };
        let mut out = String::with_capacity(text.len() + 8);
        let mut at = 0;
        for m in exceptions.find_iter(text) {
            converter.convert_to(&text[at..m.start()], &mut out);
            out.push_str(&text[m.start()..m.end()]);
            at = m.end();
        }
        converter.convert_to(&text[at..], &mut out);
        out
    }

    fn opt(&self, text: &Option<String>) -> Option<String> {
        text.as_deref().map(|t| self.convert(t))
    }

    fn boxed(&self, text: &str) -> Box<str> {
        self.convert(text).into_boxed_str()
    }
}

/// A copy of `site` with every text a reader sees in traditional letters:
/// titles, body text, tasks, unit, topic and jurisdiction names, the site's
/// title, description and identity. Slugs, numbers, anchors, dates and
/// addresses are kept, so every path is the simplified one.
pub fn convert_site(site: &Site, hant: &Hant) -> Site {
    use rayon::prelude::*;
    let mut config = site.config.clone();
    config.title = hant.convert(&config.title);
    config.description = hant.opt(&config.description);
    let id = &mut config.identity;
    for field in [
        &mut id.owner,
        &mut id.operator,
        &mut id.address,
        &mut id.icp,
        &mut id.police_record,
    ] {
        *field = hant.opt(field);
    }
    let mut jurisdictions = site.jurisdictions.clone();
    jurisdictions
        .iter_mut()
        .for_each(|j| j.name = hant.convert(&j.name));
    let mut units = site.units.clone();
    for u in &mut units {
        u.name = hant.convert(&u.name);
        u.other_names = u.other_names.iter().map(|n| hant.convert(n)).collect();
    }
    let mut topics = site.topics.clone();
    topics
        .iter_mut()
        .for_each(|t| t.name = hant.convert(&t.name));
    let mut notices = site.notices.clone();
    for n in &mut notices {
        convert_meta(&mut n.meta, hant);
        n.recipients = hant.opt(&n.recipients);
        n.body = hant.convert(&n.body);
        n.signature = hant.opt(&n.signature);
    }
    let plans = site
        .plans
        .par_iter()
        .map(|p| convert_plan(p, hant))
        .collect();
    Site {
        config,
        jurisdictions,
        units,
        topics,
        notices,
        plans,
    }
}

fn convert_meta(meta: &mut DocMeta, hant: &Hant) {
    meta.title = hant.convert(&meta.title);
    for field in [
        &mut meta.issuer,
        &mut meta.doc_number,
        &mut meta.category,
        &mut meta.validity,
        &mut meta.disclosure,
        &mut meta.editor,
    ] {
        *field = hant.opt(field);
    }
    let link = |l: &mut Link| l.title = hant.convert(&l.title);
    meta.source.iter_mut().for_each(link);
    meta.attachments.iter_mut().for_each(link);
    meta.links.iter_mut().for_each(link);
}

fn convert_plan(plan: &Plan, hant: &Hant) -> Plan {
    let mut p = plan.clone();
    convert_meta(&mut p.meta, hant);
    convert_blocks(&mut p.body, hant);
    for ph in &mut p.phases {
        ph.name = hant.convert(&ph.name);
        ph.text = hant.opt(&ph.text);
        ph.body = hant.convert(&ph.body);
    }
    // Tasks of one section share its title: converted once, still shared.
    let mut last: Option<(Arc<str>, Arc<str>)> = None;
    for t in &mut p.tasks {
        convert_task(t, hant, &mut last);
    }
    p
}

fn convert_blocks(blocks: &mut [Block], hant: &Hant) {
    for b in blocks {
        match b {
            Block::Text(text) => *text = hant.convert(text),
            Block::Task(_) => {}
            Block::Section(s) => {
                s.title = hant.convert(&s.title);
                convert_blocks(&mut s.blocks, hant);
            }
        }
    }
}

fn convert_task(t: &mut Task, hant: &Hant, last: &mut Option<(Arc<str>, Arc<str>)>) {
    t.text = hant.boxed(&t.text);
    t.officials = t.officials.iter().map(|o| hant.boxed(o)).collect();
    t.schedule = t.schedule.as_deref().map(|s| hant.boxed(s));
    t.priority = t.priority.as_deref().map(|s| hant.boxed(s));
    for d in t.deadlines.iter_mut() {
        d.text = hant.convert(&d.text);
    }
    if let Some(section) = &t.section {
        let converted = match last {
            Some((from, to)) if Arc::ptr_eq(from, section) => to.clone(),
            _ => {
                let to: Arc<str> = hant.convert(section).into();
                *last = Some((section.clone(), to.clone()));
                to
            }
        };
        t.section = Some(converted);
    }
}
