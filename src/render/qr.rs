//! The QR code a portal shows under a document (扫一扫在手机打开当前页),
//! made at build time as inline SVG so it works offline and without scripts.

use qrcode::QrCode;
use qrcode::render::svg;

/// An inline SVG of `url`, or an empty string when the URL cannot be encoded
/// (too long for a QR code), in which case the theme shows no code.
pub fn svg_for(url: &str, label: &str) -> String {
    let Ok(code) = QrCode::new(url.as_bytes()) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    // Inline SVG needs no XML declaration; it needs a text alternative.
    let body = match image.find("<svg") {
        Some(i) => &image[i..],
        None => image.as_str(),
    };
    let label = super::escape(label);
    body.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\""),
        1,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_is_inline_and_labelled() {
        let s = super::svg_for("https://example.gov.cn/plans/a/", "本页二维码");
        assert!(
            s.starts_with("<svg role=\"img\" aria-label=\"本页二维码\""),
            "{}",
            &s[..80]
        );
        assert!(!s.contains("<?xml"));
    }
}
