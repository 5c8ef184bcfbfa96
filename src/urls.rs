//! The site's addresses: where every page and data file lives, for the
//! standard site and its 长者版 (elder) twin, and the full URL of each.
//!
//! Paths are relative to the site's root, `/`-separated; a page's path ends
//! with `/` (`plans/daoli-2017/`, `` for the home page) and its file is that
//! folder's `index.html`. The elder twin of every page lives under
//! [`ELDER`], the same file as the standard page: templates print paths
//! after `root`, the way up to the version's root ([`relative_root`]), so a
//! reader of `/elder/...` stays there. Fragments made once hold
//! [`ROOT_MARK`] where `root` goes, and [`resolve_root_append`] puts the
//! page's `root` there. What both versions share (data files, the feed,
//! other editions, the links between versions) is linked absolutely.
//!
//! Everything that writes or looks up a path (pages, open data, search,
//! `serve`) takes it from here, so a change of scheme is made in one place.

use crate::config::{BaseUrlSource, SiteConfig};
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{Anchor, Site, UnitId};

/// The folder of the elder (长者版) twin of every page.
pub const ELDER: &str = "elder/";
/// The file of a folder's page.
pub const INDEX_FILE: &str = "index.html";
/// The not-found page, at the root (and under [`ELDER`]).
pub const NOT_FOUND_FILE: &str = "404.html";

/// The listing pages.
pub const PLANS: &str = "plans/";
pub const UNITS: &str = "units/";
pub const TOPICS: &str = "topics/";
pub const JURISDICTIONS: &str = "jurisdictions/";
pub const SEARCH: &str = "search/";

/// The site-wide data files.
pub const PLANS_JSON: &str = "data/plans.json";
pub const TASKS_JSON: &str = "data/tasks.json";
pub const TASKS_CSV: &str = "data/tasks.csv";
pub const SITEMAP: &str = "sitemap.xml";
pub const FEED: &str = "feed.xml";
pub const ROBOTS: &str = "robots.txt";

/// The files in each unit's folder.
pub const UNIT_CSV: &str = "tasks.csv";
pub const UNIT_ICS: &str = "deadlines.ics";

/// Marks where the link prefix (`root`) goes in fragments rendered once for
/// both versions of a page: the standard one puts the base path there, the
/// elder one the base path plus [`ELDER`]. Content cannot contain it (the
/// loader takes control characters out), so it never collides with text.
pub const ROOT_MARK: &str = "\u{0}";

pub fn plan_path(slug: &str) -> String {
    format!("{PLANS}{slug}/")
}
pub fn notice_path(slug: &str) -> String {
    format!("notices/{slug}/")
}
pub fn topic_path(slug: &str) -> String {
    format!("{TOPICS}{slug}/")
}
pub fn jurisdiction_path(slug: &str) -> String {
    format!("{JURISDICTIONS}{slug}/")
}
/// A unit's folder, under its jurisdiction's (two jurisdictions may both
/// have a 司法局).
pub fn unit_path(site: &Site, u: UnitId) -> String {
    let unit = &site.units[u];
    format!(
        "{UNITS}{}/{}/",
        site.jurisdictions[unit.jurisdiction].slug, unit.slug
    )
}

/// Page `n` (from 1) of a listing lives under `page/n/` of its first page.
pub fn paged(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
    }
}

/// A plan's open-data file, with its tasks.
pub fn plan_data_path(slug: &str) -> String {
    format!("data/plans/{slug}.json")
}
/// The CSV of a unit's tasks; `unit_dir` is its [`unit_path`].
pub fn unit_csv_path(unit_dir: &str) -> String {
    format!("{unit_dir}{UNIT_CSV}")
}
/// The calendar of a unit's deadlines; `unit_dir` is its [`unit_path`].
pub fn unit_ics_path(unit_dir: &str) -> String {
    format!("{unit_dir}{UNIT_ICS}")
}

/// The file a request path asks for: a folder's `index.html`.
pub fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}{INDEX_FILE}")
    } else {
        path.to_string()
    }
}

/// One page of the site (each has an elder twin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Page {
    Home,
    Plans,
    Plan(usize),
    Notice(usize),
    Units,
    /// A unit's tasks, page `n` (from 1) of them.
    Unit(usize, usize),
    Topics,
    /// A topic's tasks, page `n` (from 1) of them.
    Topic(usize, usize),
    Jurisdictions,
    Jurisdiction(usize),
    Search,
    NotFound,
}

impl Page {
    /// The pages every site has, one each.
    pub const SITE_WIDE: [Page; 7] = [
        Page::Home,
        Page::Plans,
        Page::Units,
        Page::Topics,
        Page::Jurisdictions,
        Page::Search,
        Page::NotFound,
    ];

    /// Every page of the site. Unit and topic pages are split into pages
    /// ([`crate::config::Paging`]): a group such as 区直各部门 or a topic on
    /// a provincial site gathers thousands of tasks, too many for one page
    /// to be usable.
    pub fn all(site: &Site, index: &Index) -> Vec<Page> {
        let paging = site.config.paging();
        let mut pages = Page::SITE_WIDE.to_vec();
        pages.extend((0..site.plans.len()).map(Page::Plan));
        pages.extend((0..site.notices.len()).map(Page::Notice));
        for (u, t) in index.units.iter().enumerate() {
            pages.extend((1..=paging.count(t.total())).map(|n| Page::Unit(u, n)));
        }
        for (t, refs) in index.topics.iter().enumerate() {
            pages.extend((1..=paging.count(refs.len())).map(|n| Page::Topic(t, n)));
        }
        pages.extend((0..site.jurisdictions.len()).map(Page::Jurisdiction));
        pages
    }

    /// The page's path relative to the root (`` for home and not-found).
    pub fn path(self, site: &Site) -> String {
        match self {
            Page::Home | Page::NotFound => String::new(),
            Page::Plans => PLANS.into(),
            Page::Plan(p) => plan_path(&site.plans[p].slug),
            Page::Notice(n) => notice_path(&site.notices[n].slug),
            Page::Units => UNITS.into(),
            Page::Unit(u, n) => paged(&unit_path(site, u), n),
            Page::Topics => TOPICS.into(),
            Page::Topic(t, n) => paged(&topic_path(&site.topics[t].slug), n),
            Page::Jurisdictions => JURISDICTIONS.into(),
            Page::Jurisdiction(j) => jurisdiction_path(&site.jurisdictions[j].slug),
            Page::Search => SEARCH.into(),
        }
    }

    /// The page's output file (`plans/x/index.html`), elder under [`ELDER`].
    pub fn output_path(self, site: &Site, elder: bool) -> String {
        self.output_path_in("", site, elder)
    }

    /// The page's output file in the edition under `edition` (`hant/`, ``
    /// for the site's own pages).
    pub fn output_path_in(self, edition: &str, site: &Site, elder: bool) -> String {
        let elder = if elder { ELDER } else { "" };
        match self {
            Page::NotFound => format!("{edition}{elder}{NOT_FOUND_FILE}"),
            _ => format!("{edition}{elder}{}{INDEX_FILE}", self.path(site)),
        }
    }
}

/// Where the site is published: `base_url` of site.yaml, read once.
///
/// Pages link with paths, which work under any address. What is read away
/// from the site needs the absolute address: Atom ids, sitemap `<loc>`s,
/// robots.txt's `Sitemap:`, calendar event URLs, the QR code. Those are
/// made only from [`Urls::absolute`], so a site whose `base_url` is a path
/// leaves them out ([`base_url_warning`] says so) rather than publish
/// relative ones, which feeds, sitemaps and calendars forbid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// The base path (`/`, `/fzjs/`), always starting and ending with `/`.
    path: String,
    /// The base URL with scheme when the site has one, else the base path.
    url: String,
    /// The base URL when it is an absolute http(s) URL, ending with `/`.
    absolute: Option<String>,
    /// The absolute base URL's host.
    host: Option<String>,
}

impl Urls {
    pub fn new(config: &SiteConfig) -> Urls {
        let base_url = config.base_url.as_str();
        let path = base_path(base_url);
        let url = if base_url.contains("://") {
            format!("{}/", base_url.trim_end_matches('/'))
        } else {
            path.clone()
        };
        let absolute = is_absolute(&url).then(|| url.clone());
        let host = absolute
            .as_deref()
            .and_then(|a| url::Url::parse(a).ok())
            .and_then(|u| u.host_str().map(str::to_string));
        Urls {
            path,
            url,
            absolute,
            host,
        }
    }

    /// The absolute base URL's host (`www.example.gov.cn`), if `base_url`
    /// is absolute.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The absolute base URL (`https://www.example.gov.cn/fzjs/`), if
    /// `base_url` is one.
    pub fn absolute(&self) -> Option<&str> {
        self.absolute.as_deref()
    }

    /// `path`'s absolute URL, if the base URL is absolute.
    pub fn absolute_url(&self, path: &str) -> Option<String> {
        self.absolute.as_ref().map(|base| format!("{base}{path}"))
    }

    /// A task's absolute URL (for calendar events, whose `URL` must be
    /// absolute), if the base URL is absolute; `plan_path` is the plan's
    /// [`plan_path`].
    pub fn absolute_task_url(&self, plan_path: &str, anchor: Anchor) -> Option<String> {
        let base = self.absolute.as_deref()?;
        let mut out = String::with_capacity(base.len() + plan_path.len() + 16);
        out.push_str(base);
        out.push_str(plan_path);
        out.push('#');
        anchor.push_to(&mut out);
        Some(out)
    }

    /// The base path (`/`, `/fzjs/`): links inside the site start with it.
    pub fn base(&self) -> &str {
        &self.path
    }

    /// The base URL with scheme when the site has one, else the base path.
    pub fn base_url(&self) -> &str {
        &self.url
    }

    /// `path`'s address after [`Urls::base_url`].
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// The link prefix of a version of the edition under `edition` (`hant/`,
    /// `` for the site's own pages).
    pub fn root_in(&self, edition: &str, elder: bool) -> String {
        match elder {
            false => format!("{}{edition}", self.path),
            true => format!("{}{edition}{ELDER}", self.path),
        }
    }

    /// The link prefix of a page: relative to its version's root (`./` for
    /// the home page, `../../` from `plans/x/`), so that the standard page
    /// and its 长者版 are one file and a reader stays in the version the
    /// address says; the not-found page, served at any depth, keeps the
    /// version's absolute [`Urls::root_in`].
    pub fn page_root(&self, page: Page, page_path: &str, edition: &str, elder: bool) -> String {
        match page {
            Page::NotFound => self.root_in(edition, elder),
            _ => relative_root(page_path),
        }
    }

    /// The address of the page at `page_path` in a version of an edition
    /// (the not-found page: that version's home).
    pub fn version_of(&self, page: Page, page_path: &str, edition: &str, elder: bool) -> String {
        let root = self.root_in(edition, elder);
        match page {
            Page::NotFound => root,
            _ => format!("{root}{page_path}"),
        }
    }

    /// Appends the task's full address (base URL, plan page, anchor) to
    /// `out`; `plan_path` is the plan's [`plan_path`].
    pub fn push_task_url(&self, plan_path: &str, anchor: Anchor, out: &mut String) {
        out.push_str(&self.url);
        out.push_str(plan_path);
        out.push('#');
        anchor.push_to(out);
    }
}

/// Whether `url` is an absolute http(s) URL with a host (written as one:
/// the URL standard would read `https:///x` as host `x`).
fn is_absolute(url: &str) -> bool {
    let written_host = url
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    written_host
        && url::Url::parse(url).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
}

/// The warning of a build whose `base_url` is not an absolute address, or
/// `None` when it is one; it points at `base_url`'s line in site.yaml.
pub fn base_url_warning(config: &SiteConfig) -> Option<Diagnostic> {
    if Urls::new(config).absolute.is_some() {
        return None;
    }
    let (line, whence) = match config.base_url_source {
        BaseUrlSource::SiteYaml(line) => (line, ""),
        BaseUrlSource::Default => (0, " (site.yaml sets none)"),
        BaseUrlSource::Override => (0, " (from --base-url)"),
    };
    let message = format!(
        "base_url `{}`{whence} is not an absolute address: sitemap.xml, feed.xml, robots.txt's \
         Sitemap line, the QR codes and the calendar events' links are left out",
        config.base_url
    );
    Some(Diagnostic::warning("site.yaml", line, message).with_hint(
        "set `base_url` in site.yaml to the address the site is published at, \
             e.g. `base_url: https://www.example.gov.cn/fzjs/` (or build --base-url URL)",
    ))
}

/// The path part of `base_url`, always starting and ending with `/`.
fn base_path(base_url: &str) -> String {
    let after_scheme = match base_url.split_once("://") {
        Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or("/"),
        None => base_url,
    };
    let trimmed = after_scheme.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// The way from the page at `page_path` (`plans/x/`) up to its version's
/// root: `../` a folder, `./` from the root itself.
pub fn relative_root(page_path: &str) -> String {
    match page_path.matches('/').count() {
        0 => "./".to_string(),
        depth => "../".repeat(depth),
    }
}

/// Appends `html` to `out` with `root` where it holds [`ROOT_MARK`].
pub fn resolve_root_append(html: &[u8], root: &str, out: &mut Vec<u8>) {
    let mut at = 0;
    for i in memchr::memchr_iter(ROOT_MARK.as_bytes()[0], html) {
        out.extend_from_slice(&html[at..i]);
        out.extend_from_slice(root.as_bytes());
        at = i + 1;
    }
    out.extend_from_slice(&html[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(base_url: &str) -> Urls {
        let mut c = SiteConfig::parse("title: t").unwrap();
        c.base_url = base_url.into();
        Urls::new(&c)
    }

    #[test]
    fn base_path_and_url() {
        let u = urls("/");
        assert_eq!((u.base(), u.base_url()), ("/", "/"));
        let u = urls("https://example.gov.cn/fzjs");
        assert_eq!(u.base(), "/fzjs/");
        assert_eq!(u.base_url(), "https://example.gov.cn/fzjs/");
        assert_eq!(u.url("plans/a/"), "https://example.gov.cn/fzjs/plans/a/");
        assert_eq!(urls("fzjs").base(), "/fzjs/");
    }

    #[test]
    fn only_http_addresses_with_a_host_are_absolute() {
        for (base, absolute) in [
            (
                "https://example.gov.cn/fzjs",
                Some("https://example.gov.cn/fzjs/"),
            ),
            ("http://127.0.0.1:8000/", Some("http://127.0.0.1:8000/")),
            ("/", None),
            ("/fzjs/", None),
            ("ftp://example.gov.cn/", None),
            ("https:///x", None),
        ] {
            assert_eq!(urls(base).absolute(), absolute, "{base}");
        }
        let u = urls("https://example.gov.cn/");
        assert_eq!(
            u.absolute_url("feed.xml").as_deref(),
            Some("https://example.gov.cn/feed.xml")
        );
        assert_eq!(urls("/").absolute_url("feed.xml"), None);
    }

    #[test]
    fn a_relative_base_url_is_a_warning_naming_the_key() {
        let mut c = SiteConfig::parse("title: t").unwrap();
        let w = base_url_warning(&c).unwrap();
        assert!(w.message.contains("base_url `/`"), "{}", w.message);
        assert!(w.hint.unwrap_or_default().contains("base_url: https://"));
        c.base_url = "https://example.gov.cn/".into();
        assert!(base_url_warning(&c).is_none());
    }

    #[test]
    fn versions_link_each_other() {
        let u = urls("/fz/");
        assert_eq!(u.root_in("", false), "/fz/");
        assert_eq!(u.root_in("", true), "/fz/elder/");
        assert_eq!(
            u.version_of(Page::Plans, "plans/", "", true),
            "/fz/elder/plans/"
        );
        assert_eq!(u.version_of(Page::Plans, "plans/", "", false), "/fz/plans/");
        assert_eq!(u.version_of(Page::NotFound, "", "", true), "/fz/elder/");
        assert_eq!(u.root_in("hant/", true), "/fz/hant/elder/");
        assert_eq!(
            u.version_of(Page::Plans, "plans/", "hant/", false),
            "/fz/hant/plans/"
        );
    }

    #[test]
    fn editions_keep_paths_after_their_prefix() {
        let site = crate::model::Site {
            config: SiteConfig::parse("title: t").unwrap(),
            jurisdictions: vec![],
            units: vec![],
            topics: vec![],
            notices: vec![],
            plans: vec![],
        };
        assert_eq!(
            Page::Search.output_path_in("hant/", &site, false),
            "hant/search/index.html"
        );
        assert_eq!(
            Page::NotFound.output_path_in("hant/", &site, true),
            "hant/elder/404.html"
        );
        assert_eq!(
            Page::Search.output_path(&site, true),
            "elder/search/index.html"
        );
    }

    #[test]
    fn paged_listings_and_files() {
        assert_eq!(paged("topics/a/", 1), "topics/a/");
        assert_eq!(paged("topics/a/", 3), "topics/a/page/3/");
        assert_eq!(file_of(""), "index.html");
        assert_eq!(file_of("plans/"), "plans/index.html");
        assert_eq!(file_of("feed.xml"), "feed.xml");
        assert_eq!(unit_ics_path("units/a/b/"), "units/a/b/deadlines.ics");
    }

    #[test]
    fn pages_link_relative_to_their_version_but_not_found() {
        let u = urls("/fz/");
        assert_eq!(relative_root(""), "./");
        assert_eq!(relative_root("plans/a/"), "../../");
        assert_eq!(relative_root("topics/a/page/2/"), "../../../../");
        assert_eq!(u.page_root(Page::Plans, "plans/", "hant/", true), "../");
        assert_eq!(u.page_root(Page::Home, "", "", false), "./");
        assert_eq!(u.page_root(Page::NotFound, "", "", true), "/fz/elder/");
        assert_eq!(u.page_root(Page::NotFound, "", "hant/", false), "/fz/hant/");
    }

    #[test]
    fn root_mark_resolves_per_version() {
        let mut out = Vec::new();
        resolve_root_append(b"<a href=\"\0plans/\">\0</a>", "/x/", &mut out);
        assert_eq!(out, b"<a href=\"/x/plans/\">/x/</a>");
    }
}
