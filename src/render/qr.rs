//! The QR code a portal shows under a document (扫一扫在手机打开当前页),
//! made at build time as inline SVG so it works offline and without scripts.
//!
//! Every plan and notice page has one, so its cost counts: `fast_qr` encodes
//! a page address several times faster than the `qrcode` crate, and the SVG
//! draws each run of dark modules in a row as one rectangle, which makes the
//! markup about a third of a module-per-rectangle drawing.

use std::fmt::Write;

use fast_qr::{ECL, QRBuilder};

/// Light modules around the code, as the standard asks (a "quiet zone").
const QUIET: usize = 4;

/// An inline SVG of `url`, or an empty string when the URL cannot be encoded
/// (too long for a QR code), in which case the theme shows no code.
pub fn svg_for(url: &str, label: &str) -> String {
    let Ok(code) = QRBuilder::new(url.as_bytes()).ecl(ECL::M).build() else {
        return String::new();
    };
    let size = code.size;
    let dark = |x: usize, y: usize| code[y][x].value();
    let side = size + 2 * QUIET;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        super::escape(label),
        px = side * 5,
    );
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if !dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && dark(x, y) {
                x += 1;
            }
            // Writing to a String cannot fail.
            let _ = write!(
                svg,
                "M{},{}h{}v1h-{}z",
                start + QUIET,
                y + QUIET,
                x - start,
                x - start
            );
        }
    }
    svg.push_str("\"/></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::QUIET;

    #[test]
    fn svg_is_inline_and_labelled() {
        let s = super::svg_for("https://example.gov.cn/plans/a/", "本页<二维码>");
        assert!(
            s.starts_with("<svg role=\"img\" aria-label=\"本页&lt;二维码&gt;\""),
            "{}",
            &s[..80]
        );
        assert!(!s.contains("<?xml"));
    }

    /// The dark modules the path of `svg` draws, as a square of `side`.
    fn modules(svg: &str) -> (usize, Vec<bool>) {
        let view = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
        let side: usize = view.split(' ').next().unwrap().parse().unwrap();
        let path = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut grid = vec![false; side * side];
        for run in path.split('M').filter(|r| !r.is_empty()) {
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(',').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let len: usize = rest.split('v').next().unwrap().parse().unwrap();
            for i in 0..len {
                grid[y * side + x + i] = true;
            }
        }
        (side, grid)
    }

    #[test]
    fn the_drawing_reads_back_as_the_page_address() {
        let url = "https://www.example.gov.cn/fzjs/plans/daoli-2017-shijian-fangan/";
        let (side, grid) = modules(&super::svg_for(url, "本页二维码"));
        // Scaled up 4 times, as a camera would see it, for the decoder.
        let scale = 4;
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(side * scale, side * scale, |x, y| {
                if grid[(y / scale) * side + x / scale] {
                    0
                } else {
                    255
                }
            });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, url);
        // The quiet zone is light.
        assert!((0..side).all(|i| !grid[i] && !grid[(QUIET - 1) * side + i]));
    }

    #[test]
    fn an_address_too_long_for_a_code_gives_no_code() {
        assert_eq!(super::svg_for(&"a".repeat(5000), "x"), "");
    }
}
