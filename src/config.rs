//! `site.yaml`: the site's configuration, with defaults for everything but the title.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

/// The default topic map, kept as data so that web teams can copy and edit it.
const DEFAULT_TOPICS: &str = include_str!("../defaults/topics.yaml");

/// Words that mark a unit name as a collective (区直各部门, 相关单位…) rather than one body.
pub const DEFAULT_GROUP_MARKERS: &[&str] = &[
    "各部门",
    "有关部门",
    "相关部门",
    "有关单位",
    "相关单位",
    "成员单位",
    "各单位",
    "各工作组",
    "社会组织",
    "各街",
    "各镇",
    "各乡",
];

/// The site's configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in every page's header.
    pub title: String,
    /// Where the site is published; links are made relative to its path.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// Where `base_url` was set, for a diagnostic about it to point there.
    #[serde(skip)]
    pub base_url_source: BaseUrlSource,
    /// The pages' language, which picks the theme's words
    /// (`words/LANG.yaml`); without it, the theme's `default_language`.
    #[serde(default)]
    pub language: Option<String>,
    /// A folder name under `themes/`; `portal`, the default, is built into
    /// planpress and needs no folder.
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The site's identity, shown in the footer as government sites must.
    #[serde(default)]
    pub identity: Identity,
    /// Topic (主题) -> keywords. Default: `defaults/topics.yaml`.
    #[serde(default = "default_topics")]
    pub topics: Vec<TopicConfig>,
    /// Words that make an unregistered unit name a group.
    #[serde(default = "default_group_markers")]
    pub group_markers: Vec<String>,
    /// How many tasks a unit or topic page lists before it continues on a
    /// next page.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    /// How many plans the home page lists.
    #[serde(default = "default_latest")]
    pub home_latest: usize,
    /// What raw HTML written inside Markdown content becomes: `sanitize`
    /// (the default) keeps what an allow-list permits, `reject` makes it an
    /// error, for sites whose content must be plain Markdown.
    #[serde(default)]
    pub raw_html: RawHtml,
    /// Static files and folders whose name starts with `.` that are
    /// published all the same (`.well-known`), as paths under `static/`;
    /// any other (`.env`, `.git/`) never is.
    #[serde(default)]
    pub publish_dotfiles: Vec<String>,
    /// The editions the site publishes besides its own pages: `elder` (the
    /// 长者版 of every page) and `hant` (a 繁體 edition converted from the
    /// simplified text). Without the key, the 长者版 alone, as before.
    #[serde(default)]
    pub editions: Option<Vec<EditionConfig>>,
}

/// One entry of `editions:` in site.yaml: `- elder`, `- hant`,
/// `- hant: {exceptions: […]}` or `- translated: {lang: ug, dir: rtl}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawEdition")]
pub enum EditionConfig {
    /// `- elder`: the 长者版 of the site's own pages, under `elder/`.
    Elder,
    /// `- hant: {…}`: the 繁體 edition, made from the simplified content.
    Hant(HantConfig),
    /// `- translated: {…}`: an edition in another language, from the
    /// translations the web team writes under `translations/LANG/`.
    Translated(TranslatedConfig),
}

/// An entry of `editions:` as written: a name, or a name with settings.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawEdition {
    Name(String),
    WithSettings(std::collections::BTreeMap<String, serde_yaml::Value>),
}

impl TryFrom<RawEdition> for EditionConfig {
    type Error = String;

    fn try_from(raw: RawEdition) -> Result<Self, String> {
        let unknown = |name: &str| {
            format!(
                "unknown edition `{name}`: the editions are `elder` (长者版), `hant` (繁體) and `translated` (another language), see docs/configuration.md"
            )
        };
        match raw {
            RawEdition::Name(name) => match name.as_str() {
                "elder" => Ok(EditionConfig::Elder),
                "hant" => Ok(EditionConfig::Hant(HantConfig::default())),
                "translated" => Err(
                    "`translated` needs its language: `- translated: {lang: ug, dir: rtl}`".into(),
                ),
                other => Err(unknown(other)),
            },
            RawEdition::WithSettings(map) => {
                let mut entries = map.into_iter();
                let settings = |name: &str, e: serde_yaml::Error| format!("`{name}`: {e}");
                match (entries.next(), entries.next()) {
                    (Some((name, value)), None) if name == "hant" => {
                        serde_yaml::from_value::<Option<HantConfig>>(value)
                            .map(|h| EditionConfig::Hant(h.unwrap_or_default()))
                            .map_err(|e| settings(&name, e))
                    }
                    (Some((name, value)), None) if name == "translated" => {
                        serde_yaml::from_value(value)
                            .map(EditionConfig::Translated)
                            .map_err(|e| settings(&name, e))
                    }
                    (Some((name, _)), None) => Err(unknown(&name)),
                    _ => Err("one edition per entry: `- hant: {exceptions: [...]}`".into()),
                }
            }
        }
    }
}

/// The writing direction of an edition's pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    #[default]
    Ltr,
    Rtl,
}

/// The settings of a translated edition (`- translated: {lang: ug, dir:
/// rtl}`): its language picks the theme's words (`words/ug.yaml`) and the
/// translations (`translations/ug/`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslatedConfig {
    /// A language tag (`ug`, `bo`, `mn-Mong`): `lang`, `hreflang`.
    pub lang: String,
    /// `rtl` for languages written right to left (Uyghur, in Arabic letters).
    #[serde(default)]
    pub dir: Dir,
    /// Its folder; by default the language tag in lower case (`ug/`).
    #[serde(default)]
    pub prefix: String,
    /// Whether it has a 长者版 of its own; without one, its pages link to
    /// the simplified 长者版.
    #[serde(default)]
    pub elder: bool,
}

/// The settings of the 繁體 edition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HantConfig {
    /// The folder its pages live in (`hant/`): paths after it are those of
    /// the simplified pages.
    #[serde(default = "default_hant_prefix")]
    pub prefix: String,
    /// Strings the converter leaves as written: proper names (a place
    /// called 后台村 stays 后台村).
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Whether it has a 长者版 of its own (under `hant/elder/`); without
    /// one, its pages link to the simplified 长者版.
    #[serde(default)]
    pub elder: bool,
}

impl Default for HantConfig {
    fn default() -> Self {
        HantConfig {
            prefix: default_hant_prefix(),
            exceptions: Vec::new(),
            elder: false,
        }
    }
}

fn default_hant_prefix() -> String {
    "hant/".to_string()
}

/// Where the site's `base_url` comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BaseUrlSource {
    /// Not written anywhere: the default, `/`.
    #[default]
    Default,
    /// site.yaml, at this 1-based line.
    SiteYaml(usize),
    /// The command line's `--base-url`, or `serve`'s own address.
    Override,
}

/// The `raw_html` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    #[default]
    Sanitize,
    Reject,
}

/// 主办单位, 联系方式, ICP备案号, 网站标识码…
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// 主办单位
    pub owner: Option<String>,
    /// 承办单位
    pub operator: Option<String>,
    /// 联系电话
    pub phone: Option<String>,
    /// 联系邮箱
    pub email: Option<String>,
    /// 地址
    pub address: Option<String>,
    /// ICP备案号
    pub icp: Option<String>,
    /// 公安机关备案号
    pub police_record: Option<String>,
    /// 网站标识码
    pub site_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// A folder an edition may have: plain, and none of the site's own.
fn plain_folder(folder: &str) -> bool {
    const TAKEN: &[&str] = &[
        "elder",
        "plans",
        "notices",
        "units",
        "topics",
        "jurisdictions",
        "search",
        "data",
        "static",
        "page",
    ];
    !folder.is_empty()
        && folder
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !TAKEN.contains(&folder)
}

/// A language tag as `lang` and file names take it (`ug`, `mn-Mong`).
fn plain_tag(tag: &str) -> bool {
    !tag.is_empty()
        && !tag.starts_with('-')
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn default_base_url() -> String {
    "/".to_string()
}
fn default_theme() -> String {
    "portal".to_string()
}
fn default_page_size() -> usize {
    100
}
fn default_latest() -> usize {
    10
}
fn default_group_markers() -> Vec<String> {
    DEFAULT_GROUP_MARKERS
        .iter()
        .map(|s| s.to_string())
        .collect()
}
fn default_topics() -> Vec<TopicConfig> {
    // The file ships with the binary and is covered by a test, so a parse
    // failure here is a build defect, not user input.
    serde_yaml::from_str(DEFAULT_TOPICS).unwrap_or_default()
}

/// How a unit's or topic's tasks are split into pages: the one rule that
/// the list of pages ([`crate::urls::Page::all`]), each page and its pager
/// ([`crate::render`]) and what an edit affects ([`crate::affects`]) share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// At least one.
    per_page: usize,
}

impl Paging {
    /// `page_size` tasks a page; a `page_size` of 0 lists one.
    pub fn new(page_size: usize) -> Paging {
        Paging {
            per_page: page_size.max(1),
        }
    }

    pub fn per_page(self) -> usize {
        self.per_page
    }

    /// How many pages `items` take: at least one, an empty listing's.
    pub fn count(self, items: usize) -> usize {
        items.div_ceil(self.per_page).max(1)
    }

    /// The positions page `n` (from 1; 0 is taken as 1) of `items` holds,
    /// empty past the last page.
    pub fn range(self, n: usize, items: usize) -> Range<usize> {
        let start = n.saturating_sub(1).saturating_mul(self.per_page).min(items);
        start..start.saturating_add(self.per_page).min(items)
    }

    /// Each page of `items`, in order: [`Paging::count`] of them.
    pub fn pages<T>(self, items: &[T]) -> impl Iterator<Item = &[T]> {
        (1..=self.count(items.len())).map(move |n| &items[self.range(n, items.len())])
    }
}

impl SiteConfig {
    /// How unit and topic pages split their tasks (`page_size`).
    pub fn paging(&self) -> Paging {
        Paging::new(self.page_size)
    }

    /// Reads `site.yaml` under `root`.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = root.join("site.yaml");
        if !path.exists() {
            return Err(Self::missing(root));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::error("site.yaml", 0, format!("cannot read site.yaml: {e}"))
                .with_hint("check the file's permissions")
        })?;
        Self::parse(&text)
    }

    /// The one error for a folder that is not a site: what to do, not the
    /// first of the files it lacks.
    pub fn missing(root: &Path) -> Diagnostic {
        let (folder, init) = if root == Path::new(".") || root.as_os_str().is_empty() {
            ("this folder".to_string(), "planpress init".to_string())
        } else {
            (
                root.display().to_string(),
                format!("planpress init {}", root.display()),
            )
        };
        Diagnostic::error(
            "site.yaml",
            0,
            format!("{folder} is not a planpress site: it has no site.yaml"),
        )
        .with_hint(format!(
            "run `{init}` to start a site (site.yaml, and content/ with an example plan), or pass --root DIR to name a site folder"
        ))
    }

    pub fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
        let mut config: SiteConfig = serde_yaml::from_str(text).map_err(|e| {
            let d = crate::diagnostics::yaml_error("site.yaml", &e, 0);
            if d.message.contains("unknown field") {
                d.with_hint(
                    "check the spelling: docs/configuration.md lists every field of site.yaml",
                )
            } else {
                d
            }
        })?;
        config.base_url_source = crate::yaml_lines::Locator::read(text)
            .get("base_url")
            .map_or(BaseUrlSource::Default, BaseUrlSource::SiteYaml);
        config.check_editions(text)?;
        Ok(config)
    }

    /// Each edition's prefix must be one plain folder that no page of the
    /// site, and no other edition, uses, so that its pages' paths are the
    /// simplified ones after it; a translated edition's language, a plain tag.
    fn check_editions(&mut self, text: &str) -> Result<(), Diagnostic> {
        let line = || {
            crate::yaml_lines::Locator::read(text)
                .get("editions")
                .unwrap_or(0)
        };
        let mut seen: Vec<String> = Vec::new();
        for edition in self.editions.iter_mut().flatten() {
            let (prefix, name) = match edition {
                EditionConfig::Elder => continue,
                EditionConfig::Hant(h) => {
                    h.exceptions.retain(|e| !e.is_empty());
                    (&mut h.prefix, "繁體".to_string())
                }
                EditionConfig::Translated(t) => {
                    if !plain_tag(&t.lang) {
                        return Err(Diagnostic::error(
                            "site.yaml",
                            line(),
                            format!(
                                "the translated edition's `lang: {}` is not a language tag",
                                t.lang
                            ),
                        )
                        .with_hint(
                            "write a BCP 47 tag of letters, digits and `-`, e.g. `lang: ug`",
                        ));
                    }
                    if t.prefix.is_empty() {
                        t.prefix = t.lang.to_ascii_lowercase();
                    }
                    (&mut t.prefix, format!("`{}`", t.lang))
                }
            };
            let folder = prefix.trim_matches('/').to_string();
            if !plain_folder(&folder) || seen.contains(&folder) {
                return Err(Diagnostic::error(
                    "site.yaml",
                    line(),
                    format!("the {name} edition's prefix `{prefix}` is not a folder name of its own"),
                )
                .with_hint("use lower-case letters, digits and `-` (e.g. `prefix: hant/`), and none of the site's own folders (elder, plans, units, topics, data, static…) nor another edition's"));
            }
            *prefix = format!("{folder}/");
            seen.push(folder);
        }
        Ok(())
    }

    /// Whether the site's own pages have a 长者版: yes without `editions:`,
    /// else when it lists `elder`.
    pub fn has_elder(&self) -> bool {
        self.editions
            .as_ref()
            .is_none_or(|list| list.contains(&EditionConfig::Elder))
    }

    /// The 繁體 edition's settings, when site.yaml asks for one.
    pub fn hant(&self) -> Option<&HantConfig> {
        self.editions.iter().flatten().find_map(|e| match e {
            EditionConfig::Hant(h) => Some(h),
            _ => None,
        })
    }

    /// The translated editions' settings, in site.yaml's order.
    pub fn translated(&self) -> impl Iterator<Item = &TranslatedConfig> {
        self.editions.iter().flatten().filter_map(|e| match e {
            EditionConfig::Translated(t) => Some(t),
            _ => None,
        })
    }

    /// Sets `base_url` from elsewhere than site.yaml (`--base-url`).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.to_string();
        self.base_url_source = BaseUrlSource::Override;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_splits_listings_into_full_pages_and_a_last() {
        let paging = Paging::new(50);
        assert_eq!(paging.count(0), 1);
        assert_eq!(paging.count(100), 2);
        assert_eq!(paging.count(101), 3);
        assert_eq!(paging.range(0, 101), 0..50);
        assert_eq!(paging.range(3, 101), 100..101);
        assert_eq!(paging.range(4, 101), 101..101);
        let items: Vec<usize> = (0..101).collect();
        let pages: Vec<&[usize]> = paging.pages(&items).collect();
        assert_eq!(
            pages.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [50, 50, 1]
        );
        assert_eq!(pages.concat(), items);
        assert_eq!(
            paging.pages::<usize>(&[]).collect::<Vec<_>>(),
            [&[] as &[usize]]
        );
        assert_eq!(Paging::new(0).count(3), 3);
    }

    #[test]
    fn default_topics_parse() {
        let topics: Vec<TopicConfig> = serde_yaml::from_str(DEFAULT_TOPICS).unwrap();
        assert!(topics.len() >= 9);
        assert!(topics.iter().any(|t| t.name == "法治政府"));
    }

    #[test]
    fn raw_html_setting() {
        assert_eq!(
            SiteConfig::parse("title: t").unwrap().raw_html,
            RawHtml::Sanitize
        );
        let c = SiteConfig::parse("title: t\nraw_html: reject\n").unwrap();
        assert_eq!(c.raw_html, RawHtml::Reject);
        let e = SiteConfig::parse("title: t\nraw_html: allow\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn base_url_source_is_its_line() {
        let at = |text: &str| SiteConfig::parse(text).unwrap().base_url_source;
        assert_eq!(at("title: t\n"), BaseUrlSource::Default);
        assert_eq!(
            at("# the site\ntitle: t\n\nbase_url: /\n"),
            BaseUrlSource::SiteYaml(4)
        );
        // A key of the same name deeper down is not the site's.
        let nested = "title: t\nidentity:\n  owner: base_url\ntopics:\n  - name: base_url\n";
        assert_eq!(at(nested), BaseUrlSource::Default);
        assert_eq!(
            at("{title: t,\n \"base_url\": /}"),
            BaseUrlSource::SiteYaml(2)
        );
        let mut c = SiteConfig::parse("title: t\nbase_url: /\n").unwrap();
        c.set_base_url("/fzjs/");
        assert_eq!(c.base_url_source, BaseUrlSource::Override);
    }

    #[test]
    fn unknown_field_is_an_error_with_a_line() {
        let e = SiteConfig::parse("title: t\ntheem: x\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("theem"), "{}", e.message);
        let hint = e.hint.unwrap_or_default();
        assert!(hint.contains("docs/configuration.md"), "{hint}");
    }
}
