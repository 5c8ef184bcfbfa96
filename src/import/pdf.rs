//! PDF with a text layer: its text, by lines, with the line wraps of the
//! page undone (a PDF has no paragraphs, only lines as wide as the page).
//! A scanned PDF (images, no text layer) is refused with what to do.

use super::Block;
use crate::diagnostics::Diagnostic;

/// The text of the PDF `name` as paragraphs, or why it has none.
pub fn extract(name: &str, bytes: &[u8]) -> Result<Vec<Block>, Diagnostic> {
    let text = text_layer(name, bytes)?;
    let lines: Vec<String> = text
        .lines()
        .map(|l| super::clean::normalize_line(&l.replace('\u{c}', "")))
        .collect();
    if lines.iter().all(|l| l.is_empty()) {
        return Err(Diagnostic::error(
            name,
            0,
            "a scanned PDF: it has no text layer, only images of pages; run it through OCR \
             (e.g. ocrmypdf -l chi_sim in.pdf out.pdf) or copy its text into a .txt file",
        ));
    }
    Ok(unwrap_lines(&lines))
}

/// pdf-extract, kept from panicking on a damaged file: a bad input is an
/// error message, never a crash.
fn text_layer(name: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(
            Diagnostic::error(name, 0, format!("cannot read this PDF: {e}"))
                .with_hint("save it as .docx or copy its text into a .txt file"),
        ),
        Err(_) => Err(Diagnostic::error(
            name,
            0,
            "cannot read this PDF (damaged or of a kind not supported); save it as .docx or copy its text into a .txt file",
        )),
    }
}

/// Joins lines that the page wrapped: a line as wide as the page's full
/// lines, not ending a sentence, runs on into the next line unless that
/// one starts something of its own (a number, a heading, a label).
fn unwrap_lines(lines: &[String]) -> Vec<Block> {
    let widths: Vec<usize> = {
        let mut w: Vec<usize> = lines
            .iter()
            .map(|l| l.chars().count())
            .filter(|&n| n > 0)
            .collect();
        w.sort_unstable();
        w
    };
    // The width of a full line: the 90th percentile, so that a few long
    // lines (a table row) do not set it.
    let full = widths
        .get(widths.len().saturating_sub(1) * 9 / 10)
        .copied()
        .unwrap_or(0);
    let mut out: Vec<Block> = Vec::new();
    let mut open = false;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            open = false;
            continue;
        }
        match out.last_mut() {
            Some(last) if open && !starts_something(line) => last.text.push_str(line),
            _ => out.push(Block::para(i + 1, line.clone())),
        }
        let n = line.chars().count();
        open = full >= 10
            && n * 100 >= full * 85
            && !line.ends_with(['。', '：', ':', '；', ';', '！', '？', '!', '?', '）', ')']);
    }
    out
}

/// A line that begins a paragraph of its own whatever came before.
fn starts_something(line: &str) -> bool {
    super::structure::heading(line).is_some()
        || super::structure::task_number(line).is_some()
        || line.starts_with(['(', '（', '【', '〔', '第'])
        || crate::content::annotations::Extractor::new()
            .extract(line)
            .text
            .trim()
            .is_empty()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A one-page PDF whose text is `lines`, in a font whose codes are the
    /// characters' own (so any Chinese text has a text layer).
    pub(super) fn pdf_with_text(lines: &[&str]) -> Vec<u8> {
        let mut content = String::from("BT /F1 12 Tf 14 TL 50 780 Td\n");
        for l in lines {
            let hex: String = l.encode_utf16().map(|u| format!("{u:04X}")).collect();
            content.push_str(&format!("<{hex}> Tj T*\n"));
        }
        content.push_str("ET");
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def \
             1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
        );
        for chunk in (0u32..256).collect::<Vec<_>>().chunks(100) {
            cmap.push_str(&format!("{} beginbfrange\n", chunk.len()));
            for hi in chunk {
                cmap.push_str(&format!("<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>\n"));
            }
            cmap.push_str("endbfrange\n");
        }
        cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end");
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
            format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
            "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_string(),
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>".to_string(),
            format!("<< /Length {} >>\nstream\n{cmap}\nendstream", cmap.len()),
            "<< /Type /FontDescriptor /FontName /Song /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>".to_string(),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for off in offsets {
            out.extend(format!("{off:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        out
    }

    #[test]
    fn text_layer_read_scanned_and_damaged_refused() {
        let pdf = pdf_with_text(&[
            "某县法治建设工作方案",
            "1.推进执法公示。牵头单位:县司法局。",
        ]);
        let blocks = extract("a.pdf", &pdf).unwrap();
        let text: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert!(text.contains(&"某县法治建设工作方案"), "{text:?}");
        let empty = pdf_with_text(&[]);
        assert!(
            extract("a.pdf", &empty)
                .unwrap_err()
                .message
                .contains("scanned")
        );
        let damaged = b"%PDF-1.4\n1 0 obj << /Type /Catalog".to_vec();
        assert!(extract("a.pdf", &damaged).is_err());
    }

    #[test]
    fn page_wraps_undone_paragraphs_kept() {
        let lines: Vec<String> = [
            "某县法治建设工作方案",
            "1.推进严格规范公正文明执法,全面推行行政执法公示制度、执法全过",
            "程记录制度和重大执法决定法制审核制度。",
            "牵头单位:县司法局",
            "2.深化政务公开,推进决策、执行、管理、服务、结果公开,加强政策解",
            "读。",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let blocks = unwrap_lines(&lines);
        let text: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(text.len(), 4, "{text:?}");
        assert!(text[1].ends_with("法制审核制度。"));
        assert_eq!(text[2], "牵头单位:县司法局");
        assert_eq!(blocks[3].line, 5);
    }
}
