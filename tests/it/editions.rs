//! Editions (site.yaml's `editions:`): the example site's 繁體 edition under
//! `hant/`, converted phrase by phrase from the simplified text, with its
//! own words, a switcher and `hreflang` alternates; sites that ask for other
//! combinations get exactly those pages. The fixture
//! tests/fixtures/editions-ug publishes a translated, right-to-left Uyghur
//! edition under `ug/`, the Chinese it leaves untranslated marked.

use crate::common;

use std::path::Path;

use common::*;
use planpress::config::{HantConfig, SiteConfig};
use planpress::render::editions::Hant;
use planpress::render::words::Words;

/// Phrases of the corpus's plans and what the 繁體 edition writes for them:
/// one simplified letter is several traditional ones by phrase.
const PHRASES: &[(&str, &str)] = &[
    ("后台", "後臺"),
    ("后台管理", "後臺管理"),
    ("发展", "發展"),
    ("头发", "頭髮"),
    ("理发", "理髮"),
    ("发布", "發佈"),
    ("干部", "幹部"),
    ("干燥", "乾燥"),
    ("干预", "干預"),
    ("树干", "樹幹"),
    ("里面", "裡面"),
    ("这里", "這裡"),
    ("公里", "公里"),
    ("面条", "麵條"),
    ("面粉", "麵粉"),
    ("方面", "方面"),
    ("台湾", "臺灣"),
    ("平台", "平臺"),
    ("舞台", "舞臺"),
    ("台风", "颱風"),
    ("恢复", "恢復"),
    ("复杂", "複雜"),
    ("重复", "重複"),
    ("复制", "複製"),
    ("制度", "制度"),
    ("制造", "製造"),
    ("编制", "編制"),
    ("批准", "批准"),
    ("准确", "準確"),
    ("标准", "標準"),
    ("系统", "系統"),
    ("关系", "關係"),
    ("联系", "聯繫"),
    ("范围", "範圍"),
    ("规范", "規範"),
    ("模范", "模範"),
    ("钟表", "鐘錶"),
    ("时钟", "時鐘"),
    ("依法行政", "依法行政"),
    ("执法监督", "執法監督"),
    ("司法局", "司法局"),
    ("行政复议", "行政複議"),
    ("行政诉讼", "行政訴訟"),
    ("法治政府", "法治政府"),
    ("人民政府", "人民政府"),
    ("党委", "黨委"),
    ("监督检查", "監督檢查"),
    ("办公室", "辦公室"),
    ("综合执法", "綜合執法"),
    ("营商环境", "營商環境"),
    ("备案审查", "備案審查"),
    ("征求意见", "徵求意見"),
    ("历史", "歷史"),
    ("一只", "一隻"),
    ("只有", "只有"),
];

fn hant(exceptions: &[&str]) -> Hant {
    let config = HantConfig {
        exceptions: exceptions.iter().map(|e| e.to_string()).collect(),
        ..HantConfig::default()
    };
    Hant::new(&config).unwrap()
}

#[test]
fn the_converter_writes_each_phrase_as_a_traditional_text_does() {
    assert!(PHRASES.len() >= 50);
    let h = hant(&[]);
    let wrong: Vec<String> = PHRASES
        .iter()
        .filter_map(|&(from, to)| {
            let got = h.convert(from);
            (got != to).then(|| format!("{from}: {got}, not {to}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
    // In a sentence, each phrase by its own context.
    assert_eq!(
        h.convert("加强后台系统建设，推进干部队伍发展"),
        "加強後臺系統建設，推進幹部隊伍發展"
    );
}

#[test]
fn exceptions_are_left_as_written() {
    let h = hant(&["道里", "后台村"]);
    assert_eq!(h.convert("哈尔滨市道里区"), "哈爾濱市道里區");
    assert_eq!(h.convert("后台村委会"), "后台村委會");
    assert_eq!(hant(&[]).convert("哈尔滨市道里区"), "哈爾濱市道裏區");
}

#[test]
fn the_hant_words_have_every_key_of_the_simplified_words() {
    let words = |lang: &str| {
        let file = repo().join(format!("themes/portal/words/{lang}.yaml"));
        Words::parse(file.clone(), &read(&file)).unwrap()
    };
    let (cn, hant) = (words("zh-CN"), words("zh-Hant"));
    let keys = |w: &Words| w.word_keys().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(keys(&cn), keys(&hant));
    assert_eq!(hant.text("edition.name").unwrap(), "繁體中文");
    assert_eq!(hant.text("titles.plans").unwrap(), "規劃方案");
    let ug = words("ug");
    assert_eq!(keys(&cn), keys(&ug));
    assert_eq!(ug.text("edition.name").unwrap(), "ئۇيغۇرچە");
}

#[test]
fn site_yaml_names_the_editions() {
    let c = SiteConfig::parse("title: t\n").unwrap();
    assert!(c.has_elder() && c.hant().is_none());
    let c = SiteConfig::parse("title: t\neditions:\n  - hant\n").unwrap();
    assert!(!c.has_elder());
    assert_eq!(c.hant().unwrap().prefix, "hant/");
    let c = SiteConfig::parse(
        "title: t\neditions:\n  - elder\n  - hant:\n      prefix: fan\n      elder: true\n",
    )
    .unwrap();
    let h = c.hant().unwrap();
    assert!(c.has_elder() && h.elder);
    assert_eq!(h.prefix, "fan/");
    let e = SiteConfig::parse("title: t\neditions:\n  - hant: {prefix: plans}\n").unwrap_err();
    assert_eq!(e.line, 3, "{}", e.message);
    let e = SiteConfig::parse("title: t\neditions:\n  - latin\n").unwrap_err();
    assert!(
        e.message.contains("unknown edition `latin`"),
        "{}",
        e.message
    );
}

fn page(out: &Path, rel: &str) -> String {
    read(&out.join(rel))
}

#[test]
fn the_example_site_publishes_a_hant_edition_of_every_page() {
    // Only read: the example's build shared with the other modules.
    let out = shared_example(&[]).to_path_buf();
    // Every page of the simplified site, at the same path under hant/.
    let mut pages = 0;
    for file in html_files(&out) {
        let rel = file
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel.starts_with("elder/") || rel.starts_with("hant/") {
            continue;
        }
        let twin = out.join("hant").join(&rel);
        assert!(twin.is_file(), "no 繁體 page for {rel}");
        assert!(!out.join("hant/elder").join(&rel).exists());
        let html = read(&twin);
        assert!(html.contains("<html lang=\"zh-Hant\""), "{rel}");
        pages += 1;
    }
    assert!(pages > 100, "{pages}");
    let plan = page(&out, "hant/plans/daoli-2017-shijian-fangan/index.html");
    // Text, titles, units and words converted; the exception kept.
    assert!(plan.contains("道里區法治建設系列實踐活動方案"), "title");
    assert!(plan.contains("司法局"));
    assert!(plan.contains("跳到主要內容"), "the theme's words");
    assert!(!plan.contains("道裏區"), "the exception 道里");
    // The switcher: the same page in both editions; hreflang alternates.
    assert!(plan.contains(
        "<a href=\"/plans/daoli-2017-shijian-fangan/\" lang=\"zh-CN\" hreflang=\"zh-CN\">简体中文</a>"
    ));
    assert!(plan.contains("hreflang=\"zh-Hant\" aria-current=\"page\">繁體中文</a>"));
    assert!(plan.contains(
        "<link rel=\"alternate\" hreflang=\"zh-CN\" href=\"https://fazhi.example.org/plans/daoli-2017-shijian-fangan/\">"
    ));
    assert!(plan.contains(
        "<link rel=\"canonical\" href=\"https://fazhi.example.org/hant/plans/daoli-2017-shijian-fangan/\">"
    ));
    // Without a 繁體 长者版, its 长者版 link is the simplified one.
    assert!(
        plan.contains("href=\"/elder/plans/daoli-2017-shijian-fangan/\" class=\"elder-entry\"")
    );
    let cn = page(&out, "plans/daoli-2017-shijian-fangan/index.html");
    assert!(cn.contains("href=\"/hant/plans/daoli-2017-shijian-fangan/\" lang=\"zh-Hant\""));
    let elder = page(&out, "elder/plans/daoli-2017-shijian-fangan/index.html");
    assert!(elder.contains("href=\"/hant/plans/daoli-2017-shijian-fangan/\" lang=\"zh-Hant\""));
    // The search page searches the one index and links results in hant/
    // (relative to hant/search/).
    let search = page(&out, "hant/search/index.html");
    assert!(search.contains("data-index=\"/search/\" data-root=\"../\""));
    // The sitemap lists the edition, each page with its alternates.
    let sitemap = page(&out, "sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    assert!(sitemap.contains("<loc>https://fazhi.example.org/hant/units/</loc>"));
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"zh-Hant\" href=\"https://fazhi.example.org/hant/plans/\"/>"
    ));
    assert!(check_links(&out, "/") > 10_000);
}

#[test]
fn a_hant_elder_edition_only_where_asked_and_no_elder_without_it() {
    let site = example_with_editions("editions:\n  - hant:\n      elder: true\n");
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    assert!(!out.join("elder").exists(), "no 长者版 without `elder`");
    // The 繁體 长者版 is the 繁體 page's file, made elder by its stylesheet.
    let elder = page(&out, "hant/elder/plans/index.html");
    assert_eq!(elder, page(&out, "hant/plans/index.html"));
    assert!(elder.contains("<html lang=\"zh-Hant\" class=\"no-js\">"));
    assert!(elder.contains("href=\"../static/portal.css?v="));
    assert!(page(&out, "hant/elder/static/portal.css").contains("--elder: 1"));
    assert!(!page(&out, "hant/static/portal.css").contains("--elder"));
    assert!(elder.contains("href=\"/plans/\" lang=\"zh-CN\""));
    assert!(elder.contains("class=\"btn btn--primary back-standard\" href=\"/hant/plans/\""));
    let own = page(&out, "plans/index.html");
    assert!(
        !own.contains("elder-entry"),
        "no link to a 长者版 that is not there"
    );
    check_links(&out, "/");
}

#[test]
fn without_editions_the_site_has_no_switcher_and_no_alternates() {
    let site = example_with_editions("");
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    assert!(!out.join("hant").exists());
    assert!(out.join("elder/plans/index.html").is_file());
    let home = page(&out, "index.html");
    assert!(!home.contains("hreflang"), "no alternates");
    assert!(!page(&out, "sitemap.xml").contains("xhtml"));
}

#[test]
fn site_yaml_names_a_translated_edition() {
    let c =
        SiteConfig::parse("title: t\neditions:\n  - translated: {lang: ug, dir: rtl}\n").unwrap();
    let ug = c.translated().next().unwrap();
    assert_eq!((ug.lang.as_str(), ug.prefix.as_str()), ("ug", "ug/"));
    assert_eq!(ug.dir, planpress::config::Dir::Rtl);
    assert!(!ug.elder && !c.has_elder() && c.hant().is_none());
    let e = SiteConfig::parse("title: t\neditions:\n  - translated: {lang: ug, way: rtl}\n")
        .unwrap_err();
    assert_eq!(e.line, 3, "{}", e.message);
    assert!(e.message.contains("way"), "{}", e.message);
    let e =
        SiteConfig::parse("title: t\neditions:\n  - translated: {lang: \"u g\"}\n").unwrap_err();
    assert!(e.message.contains("not a language tag"), "{}", e.message);
    let two = "title: t\neditions:\n  - hant: {prefix: ug}\n  - translated: {lang: ug}\n";
    let e = SiteConfig::parse(two).unwrap_err();
    assert!(e.message.contains("prefix `ug`"), "{}", e.message);
}

fn fixture() -> &'static Path {
    Box::leak(repo().join("tests/fixtures/editions-ug").into_boxed_path())
}

#[test]
fn the_fixture_publishes_a_right_to_left_uyghur_edition() {
    let dir = common::tempdir();
    let out = dir.path().join("public");
    build(fixture(), &out, &[]);
    let plan_path = "plans/xialu-2023-fazhi-xialu-guihua-fengong/index.html";
    let plan = page(&out, &format!("ug/{plan_path}"));
    assert!(plan.contains("<html lang=\"ug\" dir=\"rtl\" class=\"no-js\">"));
    // The translated title, section title and tasks; the theme's Uyghur words.
    assert!(plan.contains("<h1 id=\"doc-title\">«قانۇن بىلەن"), "title");
    assert!(
        plan.contains("ئاساسىي قانۇننى ئومۇميۈزلۈك ئىجرا قىلىپ"),
        "section"
    );
    assert!(plan.contains("<p>پۈتۈن رايوندا ئاساسىي قانۇننى"), "task 2");
    assert!(plan.contains("ئاساسلىق مەزمۇنغا ئۆتۈش"), "skip link");
    // Task 3 is not translated: its Chinese, marked for screen readers.
    assert!(plan.contains(
        "<p><span lang=\"zh-CN\" dir=\"ltr\">将宪法列为各级党委(党组)理论学习中心组学习重要内容"
    ));
    // Names: translated where names.yaml has them, else Chinese, marked.
    assert!(
        plan.contains("\"../../units/huangshishixialuqu/qusifaju/\">رايونلۇق ئەدلىيە ئىدارىسى</a>")
    );
    assert!(plan.contains("<span lang=\"zh-CN\" dir=\"ltr\">区人大常委会</span>"));
    // Not a Chinese letter outside a mark, in the page's text.
    let body = &plan[plan.find("<body").unwrap()..];
    let unmarked = body
        .split("<span lang=\"zh-CN\" dir=\"ltr\">")
        .skip(1)
        .map(|s| s.split_once("</span>").map_or(s, |(_, rest)| rest))
        .chain(std::iter::once(
            body.split("<span lang=\"zh-CN\"").next().unwrap(),
        ))
        .flat_map(|s| text_of(s).chars().collect::<Vec<_>>())
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    assert_eq!(unmarked, 0, "Chinese left unmarked");
    // The unit and topic pages list the translated tasks, the rest marked.
    let unit = page(&out, "ug/units/huangshishixialuqu/qusifaju/index.html");
    assert!(
        unit.contains("پۈتۈن رايوندا ئاساسىي قانۇننى"),
        "unit: task 2"
    );
    assert!(unit.contains("ئۆسمۈرلەرگە ئاساسىي قانۇن"), "unit: task 4");
    assert!(
        unit.contains("<span lang=\"zh-CN\" dir=\"ltr\">将宪法列为"),
        "unit: task 3"
    );
    let topic = page(&out, "ug/topics/pufayufazhishehui/index.html");
    assert!(
        topic.contains("پۈتۈن رايوندا ئاساسىي قانۇننى"),
        "topic: task 2"
    );
    let place = page(&out, "ug/jurisdictions/huangshishixialuqu/index.html");
    assert!(place.contains("<h1>خۇاڭشى شەھىرى شىالۇ رايونى</h1>"));
    assert!(
        place.contains("«قانۇن بىلەن ئىدارە قىلىنىدىغان"),
        "its plan"
    );
    // The Chinese pages: no marks, no dir, a switcher to the Uyghur page.
    let cn = page(&out, plan_path);
    assert!(cn.contains("<html lang=\"zh-CN\" class=\"no-js\">"));
    assert!(!cn.contains("dir=\""), "no dir on the Chinese pages");
    assert!(cn.contains(
        "<a href=\"/ug/plans/xialu-2023-fazhi-xialu-guihua-fengong/\" lang=\"ug\" hreflang=\"ug\">ئۇيغۇرچە</a>"
    ));
    assert!(plan.contains("hreflang=\"zh-CN\""));
    // Search on the edition: the shared index, results linked in ug/.
    let search = page(&out, "ug/search/index.html");
    assert!(search.contains("data-index=\"/search/\" data-root=\"../\""));
    assert!(out.join("ug/404.html").is_file());
    check_links(&out, "/");
}

/// The text of `html` outside its tags.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A copy of the fixture with `file` under translations/ug/ written as `text`.
fn fixture_with(file: &str, text: &str) -> tempfile::TempDir {
    let dir = common::tempdir();
    copy_dir(fixture(), dir.path());
    std::fs::write(dir.path().join("translations/ug").join(file), text).unwrap();
    dir
}

#[test]
fn a_translation_naming_what_the_site_lacks_fails_the_build_with_its_line() {
    let slug = "xialu-2023-fazhi-xialu-guihua-fengong";
    let cases = [
        (
            "extra.yaml",
            "# a second plan\nslug: no-such-plan\ntasks:\n  1: x\n",
            "translations/ug/extra.yaml:2",
            "no plan has the slug `no-such-plan`",
        ),
        (
            &format!("{slug}.yaml") as &str,
            &format!("slug: {slug}\ntasks:\n  1: x\n  9: y\n") as &str,
            "xialu-2023-fazhi-xialu-guihua-fengong.yaml:4",
            "has no task numbered `9`",
        ),
        (
            &format!("{slug}.yaml") as &str,
            &format!("slug: {slug}\nsections:\n  总体要求: x\n") as &str,
            "xialu-2023-fazhi-xialu-guihua-fengong.yaml:3",
            "no section titled `总体要求`",
        ),
        (
            "names.yaml",
            "区司法局: x\n区公安局: y\n",
            "translations/ug/names.yaml:2",
            "named `区公安局`",
        ),
        (
            "names.yaml",
            "区司法局: [x]\n",
            "translations/ug/names.yaml:1",
            "invalid type",
        ),
    ];
    for (file, text, at, message) in cases {
        let site = fixture_with(file, text);
        let out = site.path().join("public");
        let o = build_cmd(site.path(), &out).output().unwrap();
        let err = stderr(&o);
        assert!(!o.status.success(), "{file}: built");
        assert!(err.contains(at), "{file}: {err}");
        assert!(err.contains(message), "{file}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        // `check` reads the translations as the build does.
        let o = planpress(&["check", "--root", site.path().to_str().unwrap()]);
        let err = stderr(&o);
        assert!(!o.status.success(), "{file}: check passed");
        assert!(err.contains(at) && err.contains(message), "{file}: {err}");
    }
}
