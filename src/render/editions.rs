//! Editions: the same site for other readers. The site's own pages (and
//! their 长者版) are one edition; site.yaml's `editions:` may add a 繁體
//! edition (`hant`), made from the simplified content under its own prefix
//! (`hant/`), with the theme's `words/zh-Hant.yaml` and its own `lang`.
//!
//! The 繁體 text is converted once per build, on a copy of the model
//! ([`convert_site`]), so the edition costs the pages it adds, not a
//! conversion per page. Paths and slugs are ASCII and not converted: a
//! page's path is the same in every edition, after the edition's prefix.
//!
//! A translated edition (`- translated: {lang: ug, dir: rtl}`) is made the
//! same way from the web team's translations ([`translate_site`]): what
//! they translated replaces the Chinese, the rest stays Chinese, and its
//! pages mark every run of Chinese letters `lang="zh-CN" dir="ltr"`
//! ([`mark_chinese`]), so that screen readers switch voice and the text
//! keeps its direction inside a right-to-left page.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

pub use crate::config::Dir;
use crate::config::{EditionConfig, HantConfig, SiteConfig};
use crate::content::translations::Translations;
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{Block, DocMeta, Link, Plan, PlanId, PlanKind, Site, Task};
use crate::urls::Page;

use super::Input;
use super::theme::Theme;
use super::views::{KeptPlan, Views};

/// The theme's words file of the 繁體 edition.
pub const HANT_LANGUAGE: &str = "zh-Hant";

/// One edition of the site, as its pages and the switcher see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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

/// A build's editions: the list (the site's own first, then site.yaml's
/// order) and, when site.yaml asks for them, the 繁體 edition's converter
/// and the translated editions' translations, each with its theme (its
/// words).
pub struct Editions {
    pub list: Vec<Edition>,
    pub hant: Option<(Hant, Arc<Theme>)>,
    pub translated: Vec<TranslatedEdition>,
}

/// A translated edition: its place in [`Editions::list`], what the web
/// team translated, and the theme with its words.
pub struct TranslatedEdition {
    pub position: usize,
    pub translations: Translations,
    pub theme: Arc<Theme>,
}

/// What the editions are besides the content: the list, the 繁體
/// converter and each edition's theme. Loaded with the site's theme
/// (`serve` keeps them from edit to edit); the translations, checked
/// against a site, complete them ([`Editions::of`]).
pub struct EditionThemes {
    pub list: Vec<Edition>,
    pub hant: Option<(Hant, Arc<Theme>)>,
    /// Each translated edition's place in `list`, language and theme.
    pub translated: Vec<(usize, String, Arc<Theme>)>,
}

impl EditionThemes {
    /// The site's own pages only (and their 长者版).
    pub fn own(config: &SiteConfig, theme: &Theme) -> EditionThemes {
        EditionThemes {
            list: vec![own_edition(config, theme)],
            hant: None,
            translated: Vec::new(),
        }
    }

    /// The editions site.yaml (`config`) asks for, the site's own theme
    /// being `theme`.
    pub fn load(
        root: &Path,
        config: &SiteConfig,
        theme: &Theme,
    ) -> Result<EditionThemes, Vec<Diagnostic>> {
        let mut themes = EditionThemes {
            list: vec![own_edition(config, theme)],
            hant: None,
            translated: Vec::new(),
        };
        let name = |t: &Theme| t.words.edition_name().map(str::to_string);
        for entry in config.editions.iter().flatten() {
            let (prefix, lang, dir, elder) = match entry {
                EditionConfig::Elder => continue,
                EditionConfig::Hant(s) => (&s.prefix, HANT_LANGUAGE, Dir::Ltr, s.elder),
                EditionConfig::Translated(s) => (&s.prefix, s.lang.as_str(), s.dir, s.elder),
            };
            let own = Arc::new(Theme::load_in(root, config, Some(lang))?);
            themes.list.push(Edition {
                prefix: prefix.clone(),
                lang: lang.to_string(),
                dir,
                name: name(&own).map_err(|d| vec![d])?,
                elder,
            });
            match entry {
                EditionConfig::Hant(settings) => {
                    themes.hant = Some((Hant::new(settings).map_err(|d| vec![d])?, own));
                }
                _ => {
                    let position = themes.list.len() - 1;
                    themes.translated.push((position, lang.to_string(), own));
                }
            }
        }
        if themes.list.len() > 1 {
            themes.list[0].name = name(theme).map_err(|d| vec![d])?;
        }
        Ok(themes)
    }
}

/// The site's own pages as an edition: the only one of a site without
/// `editions:` besides the 长者版.
fn own_edition(config: &SiteConfig, theme: &Theme) -> Edition {
    Edition {
        prefix: String::new(),
        lang: theme.language.clone(),
        dir: Dir::Ltr,
        name: String::new(),
        elder: config.has_elder(),
    }
}

impl Editions {
    /// The editions of `site`, whose own theme is `theme`.
    pub fn load(root: &Path, site: &Site, theme: &Theme) -> Result<Editions, Vec<Diagnostic>> {
        let themes = EditionThemes::load(root, &site.config, theme)?;
        let translations = themes
            .translated
            .iter()
            .map(|(_, lang, _)| Translations::load(root, lang, site))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Editions::of(&themes, translations))
    }

    /// The editions of `themes` with the translations of its translated
    /// editions, in their order.
    pub fn of(themes: &EditionThemes, translations: Vec<Translations>) -> Editions {
        Editions {
            list: themes.list.clone(),
            hant: themes.hant.clone(),
            translated: themes
                .translated
                .iter()
                .zip(translations)
                .map(|((position, _, theme), translations)| TranslatedEdition {
                    position: *position,
                    translations,
                    theme: theme.clone(),
                })
                .collect(),
        }
    }

    /// The 繁體 edition's place in the list.
    pub fn hant_position(&self) -> usize {
        hant_position(&self.list)
    }

    /// How edition `position` of the list (not the site's own) is made,
    /// and its theme.
    pub fn source(&self, position: usize) -> Option<(Source<'_>, &Theme)> {
        if let Some((hant, theme)) = &self.hant
            && position == self.hant_position()
        {
            return Some((Source::Converted(hant), theme));
        }
        self.translated
            .iter()
            .find(|t| t.position == position)
            .map(|t| (Source::Translated(&t.translations), &*t.theme))
    }
}

/// The 繁體 edition's place in `list`.
pub fn hant_position(list: &[Edition]) -> usize {
    list.iter()
        .position(|e| e.lang == HANT_LANGUAGE)
        .unwrap_or(1)
}

/// How an edition's text is made from the simplified site's.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    /// Converted to traditional letters ([`convert_site`]).
    Converted(&'a Hant),
    /// The web team's translations in place, the rest left Chinese and
    /// marked ([`translate_site`], [`mark_chinese`]).
    Translated(&'a Translations),
}

impl<'a> Source<'a> {
    /// The edition's name of a plan kind.
    fn label(self) -> impl Fn(PlanKind) -> String + 'a {
        move |k: PlanKind| match self {
            Source::Converted(hant) => hant.convert(k.label()),
            Source::Translated(tr) => tr.name(k.label()).unwrap_or(k.label()).to_string(),
        }
    }
}

/// An edition's model: the site in the edition's words and its views, made
/// once for all its pages; the indexes are the simplified site's (the same
/// ids; lists keep one order). `build` and `serve` both make an edition's
/// pages from it.
pub struct EditionSite {
    pub site: Site,
    pub views: Views,
    marks_chinese: bool,
}

impl EditionSite {
    /// The model of the edition made from `site` (indexed by `index`) by
    /// `source`, with the edition's `theme`.
    pub fn make(
        site: &Site,
        index: &Index,
        source: Source,
        theme: &Theme,
    ) -> Result<EditionSite, Diagnostic> {
        Self::make_reusing(site, index, source, theme, Vec::new())
    }

    /// [`EditionSite::make`], with the task rows of plans given in `reuse`
    /// taken as they are (an incremental build gives empty rows for plans
    /// shown on no page it renders).
    pub fn make_reusing(
        site: &Site,
        index: &Index,
        source: Source,
        theme: &Theme,
        reuse: Vec<Option<KeptPlan>>,
    ) -> Result<EditionSite, Diagnostic> {
        let edited = match source {
            Source::Converted(hant) => convert_site(site, hant),
            Source::Translated(tr) => translate_site(site, tr),
        };
        let views = Views::build_labelled(&edited, index, theme, reuse, &source.label())?;
        Ok(EditionSite {
            site: edited,
            views,
            marks_chinese: matches!(source, Source::Translated(_)),
        })
    }

    /// This model after the plans `changed` of `site` changed and nothing
    /// else did (what `serve`'s fast path patches): those plans made again,
    /// the other plans' task rows kept. The whole model is made again
    /// when `site` has other plans.
    pub fn patched(
        mut self,
        site: &Site,
        index: &Index,
        source: Source,
        theme: &Theme,
        changed: &BTreeSet<PlanId>,
    ) -> Result<EditionSite, Diagnostic> {
        let same_plans = self.site.plans.len() == site.plans.len()
            && self
                .site
                .plans
                .iter()
                .zip(&site.plans)
                .all(|(a, b)| a.slug == b.slug);
        if !same_plans {
            return EditionSite::make(site, index, source, theme);
        }
        for &k in changed {
            let Some(plan) = site.plans.get(k) else {
                return EditionSite::make(site, index, source, theme);
            };
            self.site.plans[k] = match source {
                Source::Converted(hant) => convert_plan(plan, hant),
                Source::Translated(tr) => {
                    let mut p = plan.clone();
                    translate_plan(&mut p, tr);
                    p
                }
            };
        }
        let mut reuse: Vec<_> = (0..self.site.plans.len())
            .map(|p| self.views.kept(p))
            .collect();
        for &k in changed {
            reuse[k] = None;
        }
        self.views = Views::build_labelled(&self.site, index, theme, reuse, &source.label())?;
        Ok(self)
    }

    /// Whether the edition's pages mark the Chinese left in them.
    pub fn marks_chinese(&self) -> bool {
        self.marks_chinese
    }
}

/// The same page in one edition, for the switcher and `hreflang`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Alternate {
    pub lang: String,
    pub dir: Dir,
    pub name: String,
    /// The link from the standard page.
    pub href: String,
    /// The link from the 长者版 page: the edition's 长者版 where it has one.
    pub elder_href: String,
    /// The standard version's full address, for `hreflang`.
    pub url: String,
    /// Whether it is the edition of the page itself.
    pub current: bool,
}

/// A page's addresses in both versions, for the links between them (both
/// on the page, each shown by its version's stylesheet).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Versions {
    pub standard: String,
    pub elder: String,
}

/// Every version root of the site (`""`, `elder/`, `hant/`,
/// `hant/elder/`), each with whether it is a 长者版: where pages link their
/// stylesheet from (see [`super::theme::version_stylesheet`]).
pub fn version_roots(config: &crate::config::SiteConfig, list: &[Edition]) -> Vec<(String, bool)> {
    let editions: Vec<(&str, bool)> = match list {
        [] => vec![("", config.has_elder())],
        list => list.iter().map(|e| (e.prefix.as_str(), e.elder)).collect(),
    };
    let mut roots = Vec::new();
    for (prefix, elder) in editions {
        roots.push((prefix.to_string(), false));
        if elder {
            roots.push((format!("{prefix}{}", crate::urls::ELDER), true));
        }
    }
    roots
}

impl Input<'_> {
    /// `page` in both versions: in the edition's own 长者版 when it has
    /// one, else the site's own; `None` when the site publishes no 长者版.
    pub fn versions_of(&self, page: Page) -> Option<Versions> {
        let path = page.path(self.site);
        let prefix = self.prefix();
        let standard = self.urls.version_of(page, &path, prefix, false);
        let elder = match self.versions().len() > 1 {
            true => self.urls.version_of(page, &path, prefix, true),
            false if self.site.config.has_elder() => self.urls.version_of(page, &path, "", true),
            false => return None,
        };
        Some(Versions { standard, elder })
    }

    /// `page` in every edition; empty when the site has one edition.
    pub fn alternates(&self, page: Page) -> Vec<Alternate> {
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
                href: self.urls.version_of(page, &path, &e.prefix, false),
                elder_href: self.urls.version_of(page, &path, &e.prefix, e.elder),
                url: self.urls.url(&format!("{}{path}", e.prefix)),
                current: i == self.edition,
            })
            .collect()
    }
}

/// Simplified to traditional, phrase by phrase (`后台` → `後臺`, `头发` →
/// `頭髮`, `发展` → `發展`), leaving the site's exceptions as written.
#[derive(Clone)]
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
    t.map_words(&mut |s| hant.convert(s));
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

/// A copy of `site` with what `tr` translates in place of the Chinese: plan
/// titles, section titles and tasks from each plan's translation; unit,
/// topic and jurisdiction names, plan kinds, document fields and the site's
/// title and description from `names.yaml`. Everything else (prose, notices,
/// officials, schedules) stays Chinese, for [`mark_chinese`] to mark.
pub fn translate_site(site: &Site, tr: &Translations) -> Site {
    let name = |text: &mut String| {
        if let Some(t) = tr.name(text) {
            *text = t.to_string();
        }
    };
    let mut out = Site {
        config: site.config.clone(),
        jurisdictions: site.jurisdictions.clone(),
        units: site.units.clone(),
        topics: site.topics.clone(),
        notices: site.notices.clone(),
        plans: site.plans.clone(),
    };
    name(&mut out.config.title);
    out.config.description.iter_mut().for_each(name);
    out.jurisdictions.iter_mut().for_each(|j| name(&mut j.name));
    out.units.iter_mut().for_each(|u| name(&mut u.name));
    out.topics.iter_mut().for_each(|t| name(&mut t.name));
    for n in &mut out.notices {
        n.meta.each_text(&mut |t| name(t));
    }
    out.plans.iter_mut().for_each(|p| translate_plan(p, tr));
    out
}

/// `plan` with what `tr` translates of it in place.
fn translate_plan(plan: &mut Plan, tr: &Translations) {
    plan.meta.each_text(&mut |text| {
        if let Some(t) = tr.name(text) {
            *text = t.to_string();
        }
    });
    let Some(pt) = tr.plans.get(&plan.slug) else {
        return;
    };
    if let Some(title) = &pt.title {
        plan.meta.title.clone_from(title);
    }
    translate_sections(&mut plan.body, pt);
    let mut last: Option<(Arc<str>, Arc<str>)> = None;
    for t in &mut plan.tasks {
        if let Some(text) = pt.tasks.get(t.number()) {
            t.text = text.as_str().into();
        }
        t.section = t.section.take().map(|s| match &last {
            Some((from, to)) if Arc::ptr_eq(from, &s) => to.clone(),
            _ => {
                let to: Arc<str> = pt
                    .sections
                    .get(&*s)
                    .map_or(s.clone(), |t| t.as_str().into());
                last = Some((s, to.clone()));
                to
            }
        });
    }
}

fn translate_sections(blocks: &mut [Block], pt: &crate::content::translations::PlanTranslation) {
    for b in blocks {
        if let Block::Section(s) = b {
            if let Some(title) = pt.sections.get(&s.title) {
                s.title.clone_from(title);
            }
            translate_sections(&mut s.blocks, pt);
        }
    }
}

/// Elements whose text cannot hold markup (or is not read as text).
const UNMARKED: &[&str] = &["title", "script", "style", "textarea", "option", "svg"];

/// `html` with every run of Chinese letters in its text (from the first to
/// the last Chinese letter of a run not broken by a letter of the page's
/// own script) wrapped in `<span lang="zh-CN" dir="ltr">`. On a translated
/// edition's page, Chinese letters are the Chinese fallback by definition
/// (the translated languages' scripts have none), wherever the template or
/// the model put them; attributes, `<title>` and `<option>` cannot be marked.
pub fn mark_chinese(html: &[u8], out: &mut Vec<u8>) {
    out.clear();
    // The page is UTF-8 written by the templates; anything else is copied.
    let Ok(text) = std::str::from_utf8(html) else {
        out.extend_from_slice(html);
        return;
    };
    let mut rest = text;
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        mark_text(&rest[..lt], out);
        rest = &rest[lt..];
        let end = tag_end(rest);
        let tag = &rest[..end];
        out.extend_from_slice(tag.as_bytes());
        rest = &rest[end..];
        let name = tag_name(tag);
        if let Some(skip) = UNMARKED.iter().find(|n| name.eq_ignore_ascii_case(n)) {
            let close = find_close(rest, skip);
            out.extend_from_slice(&rest.as_bytes()[..close]);
            rest = &rest[close..];
        }
    }
    mark_text(rest, out);
}

/// The length of the tag, comment or doctype at the start of `s`. Found
/// with memchr, not char by char: tags are about half a page's bytes.
fn tag_end(s: &str) -> usize {
    if s.starts_with("<!--") {
        return s.find("-->").map_or(s.len(), |i| i + 3);
    }
    let b = s.as_bytes();
    let mut from = 1;
    while let Some(k) = memchr::memchr3(b'"', b'\'', b'>', &b[from..]) {
        let at = from + k;
        let quote = b[at];
        if quote == b'>' {
            return at + 1;
        }
        match memchr::memchr(quote, &b[at + 1..]) {
            Some(len) => from = at + 1 + len + 1,
            None => break,
        }
    }
    s.len()
}

/// The element name of an opening tag (`<title lang=…>` -> `title`);
/// empty for closing tags, comments and doctypes.
fn tag_name(tag: &str) -> &str {
    let inner = &tag[1..];
    let end = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    &inner[..end]
}

/// Where `</name` starts in `s` (its end when there is none): the pages'
/// tags are lower case (the templates', and what the sanitizer writes).
fn find_close(s: &str, name: &str) -> usize {
    let close = format!("</{}", name.to_ascii_lowercase());
    memchr::memmem::find(s.as_bytes(), close.as_bytes()).unwrap_or(s.len())
}

fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' // CJK punctuation
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF01}'..='\u{FF60}' // full-width forms
        | '\u{20000}'..='\u{3134F}')
}

/// A letter of another script (Arabic letters and punctuation, Tibetan,
/// Mongolian…): it ends a Chinese run. ASCII, spaces and general
/// punctuation (quotes, dashes) are neutral and go with the run around them.
fn breaks_run(c: char) -> bool {
    // Most letters of a fallback page are Chinese or ASCII: they are decided
    // before `is_alphabetic`, a slow table lookup for CJK letters.
    if c.is_ascii() || is_chinese(c) {
        return false;
    }
    let arabic = matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}');
    arabic || c.is_alphabetic()
}

/// `text` with each stretch between letters of other scripts that holds a
/// Chinese letter marked, whole (`planpress 测试站点`, `党委(党组)`: the
/// neutral characters keep their place beside the Chinese in a right-to-left
/// line), without its outer spaces, the brackets opened towards the outside
/// and the punctuation that ends the text before it (`ئورۇن: 区司法局`).
fn mark_text(text: &str, out: &mut Vec<u8>) {
    // Most text between tags is indentation and ASCII.
    if text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    let mut at = 0;
    for piece in text.split(breaks_run) {
        let start = piece.as_ptr() as usize - text.as_ptr() as usize;
        if piece.chars().any(is_chinese) {
            let outer_start = |c: char| {
                c.is_whitespace() || matches!(c, ')' | ']' | ':' | ';' | ',' | '.' | '!' | '?')
            };
            let outer_end = |c: char| c.is_whitespace() || matches!(c, '(' | '[');
            let from = start + piece.len() - piece.trim_start_matches(outer_start).len();
            let to = start + piece.trim_end_matches(outer_end).len();
            out.extend_from_slice(&text.as_bytes()[at..from]);
            out.extend_from_slice(b"<span lang=\"zh-CN\" dir=\"ltr\">");
            out.extend_from_slice(&text.as_bytes()[from..to]);
            out.extend_from_slice(b"</span>");
            at = to;
        }
    }
    out.extend_from_slice(&text.as_bytes()[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(html: &str) -> String {
        let mut out = Vec::new();
        mark_chinese(html.as_bytes(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn chinese_runs_are_marked_with_their_neutral_characters() {
        let m = |s: &str| format!("<span lang=\"zh-CN\" dir=\"ltr\">{s}</span>");
        assert_eq!(
            marked("<p>各单位党委(党组)</p>"),
            format!("<p>{}</p>", m("各单位党委(党组)"))
        );
        assert_eq!(
            marked("<p>ئورۇن، planpress 测试站点 (توپ)</p>"),
            format!("<p>ئورۇن، {} (توپ)</p>", m("planpress 测试站点"))
        );
        assert_eq!(marked("<p>ئورۇن 2023</p>"), "<p>ئورۇن 2023</p>");
        assert_eq!(
            marked("<p>ئورۇن: 区人大常委会، ئا</p>"),
            format!("<p>ئورۇن: {}، ئا</p>", m("区人大常委会"))
        );
        // Not in tags, attributes, <title> or <option>.
        let head = "<title>规划</title><a title=\"规划\">ئا</a><option>区</option>";
        assert_eq!(marked(head), head);
        assert_eq!(
            marked("<!-- 注 --><b>注</b>"),
            format!("<!-- 注 --><b>{}</b>", m("注"))
        );
    }
}
