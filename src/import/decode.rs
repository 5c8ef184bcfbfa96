//! Bytes to text. Chinese offices still save plain text and web pages in
//! GBK/GB18030, and nothing in a `.txt` file says so; a page may declare its
//! charset or not. The order below follows what is most reliable first: a
//! byte-order mark, then valid UTF-8 (GBK text is almost never valid UTF-8),
//! then an HTML charset declaration, then a statistical guess.

use encoding_rs::{Encoding, GB18030, UTF_8};

/// Text decoded from a file, with the encoding that was used.
pub struct Decoded {
    pub text: String,
    /// The encoding's name (`UTF-8`, `GBK`, `gb18030`…).
    pub encoding: &'static str,
    /// Whether some bytes could not be decoded (each became U+FFFD).
    pub had_errors: bool,
}

/// Decodes `bytes`; `html` allows a `<meta charset>` declaration to decide.
pub fn decode(bytes: &[u8], html: bool) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            had_errors,
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            had_errors: false,
        };
    }
    let declared = if html { declared_charset(bytes) } else { None };
    let enc = declared.unwrap_or_else(|| guess(bytes));
    // GBK and GB2312 labels are decoded as GB18030, their superset: files
    // labelled GBK often use GB18030's four-byte sequences for rare names.
    let enc = if enc == encoding_rs::GBK {
        GB18030
    } else {
        enc
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let name = if enc == GB18030 {
        "GBK/GB18030"
    } else {
        enc.name()
    };
    Decoded {
        text: text.into_owned(),
        encoding: name,
        had_errors,
    }
}

/// A statistical guess, told that the text is Chinese (`.cn`): without that
/// hint short GBK texts can pass for another legacy encoding.
fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // Looking at the first megabyte is enough and keeps the time bounded.
    let sample = &bytes[..bytes.len().min(1 << 20)];
    det.feed(sample, true);
    det.guess(Some(b"cn"), chardetng::Utf8Detection::Deny)
}

/// `<meta charset="gbk">` or `content="text/html; charset=gb2312"` in the
/// first few kilobytes.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(8192)];
    let head: String = head
        .iter()
        .map(|&b| {
            if b.is_ascii() {
                b.to_ascii_lowercase() as char
            } else {
                ' '
            }
        })
        .collect();
    let mut from = 0;
    while let Some(p) = head[from..].find("charset") {
        let start = from + p + "charset".len();
        let rest = head[start..].trim_start_matches([' ', '=', '"', '\'']);
        let label: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        if let Some(enc) = Encoding::for_label(label.as_bytes()) {
            return Some(enc);
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_gbk_and_boms() {
        let text = "关于印发《道里区法治建设系列实践活动方案》的通知\n牵头单位:区司法局。";
        assert_eq!(decode(text.as_bytes(), false).encoding, "UTF-8");
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let d = decode(&gbk, false);
        assert_eq!(d.text, text);
        assert!(!d.had_errors);
        assert_eq!(d.encoding, "GBK/GB18030");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom, false).text, text);
        let (utf16, _, _) = encoding_rs::UTF_16LE.encode(text);
        // encoding_rs never encodes to UTF-16; build it by hand.
        assert!(!utf16.is_empty());
        let mut le = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le, false).text, text);
    }

    #[test]
    fn html_declaration_is_read() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>下陆区</body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        let d = decode(&gbk, true);
        assert!(d.text.contains("下陆区"));
    }

    #[test]
    fn garbage_does_not_panic() {
        let junk: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let _ = decode(&junk, true);
        let _ = decode(&[], false);
        let _ = decode(b"charset=", true);
    }
}
