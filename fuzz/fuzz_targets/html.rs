//! Markdown to HTML (`render::markdown::to_html`): whatever the input, the
//! output has no script, no event handler, no `javascript:`/`data:` URL and
//! no element that loads or styles from content.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planpress::render::markdown::to_html;
use scraper::{Html, Selector};

const FORBIDDEN: &str = "script, style, iframe, frame, frameset, object, embed, applet, base, form, link, meta, svg, math";
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "srcset",
    "cite",
    "longdesc",
    "data",
];

/// The scheme a browser reads in a URL attribute (WHATWG URL: leading and
/// trailing C0 controls and spaces are stripped, tabs and newlines removed
/// anywhere; a scheme is an ASCII letter then letters, digits, `+-.`).
fn scheme(value: &str) -> Option<String> {
    let v: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (s, _) = v.split_once(':')?;
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| s.to_ascii_lowercase())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = to_html(text);
    let doc = Html::parse_fragment(&html);
    let forbidden = Selector::parse(FORBIDDEN).expect("selector");
    if let Some(e) = doc.select(&forbidden).next() {
        panic!("<{}> in {html:?}", e.value().name());
    }
    let any = Selector::parse("*").expect("selector");
    for e in doc.select(&any) {
        for (name, value) in e.value().attrs() {
            let name = name.to_ascii_lowercase();
            assert!(!name.starts_with("on"), "{name}= in {html:?}");
            // Table column alignment is the only style Markdown makes.
            let align = matches!(
                value,
                "text-align: left" | "text-align: center" | "text-align: right"
            );
            assert!(name != "style" || align, "style={value:?} in {html:?}");
            if URL_ATTRS.contains(&name.as_str()) {
                let scheme_ok =
                    scheme(value).is_none_or(|s| matches!(s.as_str(), "http" | "https" | "mailto"));
                assert!(scheme_ok, "{name}={value:?} in {html:?}");
            }
        }
    }
});
