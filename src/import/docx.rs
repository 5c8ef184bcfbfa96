//! Word `.docx`: the paragraphs and tables of `word/document.xml`, in
//! document order, with Word's automatic numbering written out (a heading
//! `一、` or a measure `1.` that Word numbers itself has no such text in the
//! file, and the structure hangs on it).
//!
//! Sizes are checked before anything is inflated and the XML is walked with
//! an explicit stack, so a hostile file costs bounded memory and time.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node, ParsingOptions};

use super::Block;
use crate::diagnostics::Diagnostic;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The largest part that is inflated: far above any real document.
const MAX_PART: u64 = 64 << 20;

/// A `.docx` that cannot be read: what is wrong with it, about the input
/// `name`, and what to do.
fn broken(name: &str, message: String) -> Diagnostic {
    Diagnostic::error(name, 0, message).with_hint(
        "open it in Word or WPS and save it again as .docx, or copy its text into a .txt file",
    )
}

/// Reads the paragraphs and table rows of the document `name`.
pub fn extract(name: &str, bytes: &[u8]) -> Result<Vec<Block>, Diagnostic> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| broken(name, format!("not a readable .docx: {e}")))?;
    let document = read_part(name, &mut zip, "word/document.xml")?.ok_or_else(|| {
        broken(
            name,
            "not a Word document (no word/document.xml)".to_string(),
        )
    })?;
    let numbering = read_part(name, &mut zip, "word/numbering.xml")?;
    let opts = || ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(&document, opts())
        .map_err(|e| broken(name, format!("word/document.xml is not valid XML: {e}")))?;
    let numbering_doc = numbering
        .as_deref()
        .and_then(|n| Document::parse_with_options(n, opts()).ok());
    let mut numbers = Numbering::read(numbering_doc.as_ref());
    let body = doc
        .root_element()
        .children()
        .find(|n| is_w(*n, "body"))
        .ok_or_else(|| broken(name, "word/document.xml has no body".to_string()))?;
    let mut out = Vec::new();
    let mut tables = 0usize;
    let mut stack = vec![body.children()];
    while let Some(it) = stack.last_mut() {
        let Some(n) = it.next() else {
            stack.pop();
            continue;
        };
        if is_w(n, "p") {
            let text = paragraph(n, &mut numbers);
            out.push(Block::para(out.len() + 1, text));
        } else if is_w(n, "tbl") {
            for cells in table_rows(n, &mut numbers) {
                out.push(Block {
                    line: out.len() + 1,
                    text: cells.join(" "),
                    cells: Some(cells),
                    table: Some(tables),
                    link: None,
                });
            }
            tables += 1;
        } else if n.is_element() && !is_w(n, "sectPr") {
            stack.push(n.children());
        }
    }
    Ok(out)
}

/// The part `name` of the document `input`, if it has one.
fn read_part(
    input: &str,
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, Diagnostic> {
    let mut file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(broken(input, format!("cannot read {name}: {e}"))),
    };
    if file.size() > MAX_PART {
        return Err(broken(
            input,
            format!("{name} is too large ({} MB)", file.size() >> 20),
        ));
    }
    let mut buf = Vec::new();
    (&mut file)
        .take(MAX_PART + 1)
        .read_to_end(&mut buf)
        .map_err(|e| broken(input, format!("cannot read {name}: {e}")))?;
    if buf.len() as u64 > MAX_PART {
        return Err(broken(input, format!("{name} is too large")));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| broken(input, format!("{name} is not UTF-8 XML")))
}

fn is_w(n: Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(W)
}

fn attr<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attribute((W, name))
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is_w(*c, name))
}

/// A paragraph's text, its automatic number first.
fn paragraph(p: Node, numbers: &mut Numbering) -> String {
    let mut text = String::new();
    if let Some(ppr) = child(p, "pPr")
        && let Some(num_pr) = child(ppr, "numPr")
    {
        let level = child(num_pr, "ilvl")
            .and_then(|l| attr(l, "val"))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        if let Some(id) = child(num_pr, "numId").and_then(|n| attr(n, "val")) {
            text.push_str(&numbers.next(id, level));
        }
    }
    for n in p.descendants() {
        if !n.is_element() || n.tag_name().namespace() != Some(W) {
            continue;
        }
        match n.tag_name().name() {
            "t" => text.push_str(n.text().unwrap_or("")),
            "tab" => text.push(' '),
            "br" | "cr" => text.push('\n'),
            "noBreakHyphen" => text.push('-'),
            _ => {}
        }
    }
    text
}

/// A table's rows as cells: a cell spanning columns (`gridSpan`) leaves the
/// columns it covers empty, and a vertically merged cell's continuation is
/// empty, so cells line up with the header's columns.
fn table_rows(tbl: Node, numbers: &mut Numbering) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for tr in tbl.children().filter(|c| is_w(*c, "tr")) {
        let mut cells = Vec::new();
        for tc in tr.children().filter(|c| is_w(*c, "tc")) {
            let props = child(tc, "tcPr");
            let span = props
                .and_then(|p| child(p, "gridSpan"))
                .and_then(|g| attr(g, "val"))
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 64);
            let continues = props
                .and_then(|p| child(p, "vMerge"))
                .is_some_and(|v| attr(v, "val").is_none_or(|val| val == "continue"));
            let text = if continues {
                String::new()
            } else {
                tc.descendants()
                    .filter(|n| is_w(*n, "p"))
                    .map(|p| paragraph(p, numbers))
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            cells.push(text);
            cells.extend(std::iter::repeat_n(String::new(), span - 1));
        }
        rows.push(cells);
    }
    rows
}

/// One list level of `numbering.xml`.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// Word's automatic numbering: the counters of each list as paragraphs
/// use them.
#[derive(Default)]
struct Numbering {
    /// numId → its levels.
    lists: HashMap<String, Vec<Level>>,
    /// numId → counter per level.
    counters: HashMap<String, Vec<u32>>,
}

impl Numbering {
    fn read(doc: Option<&Document>) -> Numbering {
        let mut n = Numbering::default();
        let Some(doc) = doc else {
            return n;
        };
        let root = doc.root_element();
        let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
        for a in root.children().filter(|c| is_w(*c, "abstractNum")) {
            let Some(id) = attr(a, "abstractNumId") else {
                continue;
            };
            let mut levels = vec![Level::default(); 9];
            for lvl in a.children().filter(|c| is_w(*c, "lvl")) {
                let Some(i) = attr(lvl, "ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                if i >= 9 {
                    continue;
                }
                levels[i] = Level {
                    start: child(lvl, "start")
                        .and_then(|s| attr(s, "val"))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1),
                    format: child(lvl, "numFmt")
                        .and_then(|s| attr(s, "val"))
                        .unwrap_or("decimal")
                        .to_string(),
                    text: child(lvl, "lvlText")
                        .and_then(|s| attr(s, "val"))
                        .unwrap_or("")
                        .to_string(),
                };
            }
            abstracts.insert(id.to_string(), levels);
        }
        for num in root.children().filter(|c| is_w(*c, "num")) {
            let (Some(id), Some(abs)) = (
                attr(num, "numId"),
                child(num, "abstractNumId").and_then(|a| attr(a, "val")),
            ) else {
                continue;
            };
            if let Some(levels) = abstracts.get(abs) {
                n.lists.insert(id.to_string(), levels.clone());
            }
        }
        n
    }

    /// The label of the next paragraph of list `id` at `level`.
    fn next(&mut self, id: &str, level: usize) -> String {
        let Some(levels) = self.lists.get(id) else {
            return String::new();
        };
        let level = level.min(8);
        let counters = self
            .counters
            .entry(id.to_string())
            .or_insert_with(|| vec![0; 9]);
        for (i, c) in counters.iter_mut().enumerate() {
            if i == level {
                *c = if *c == 0 {
                    levels[i].start.max(1)
                } else {
                    c.saturating_add(1)
                };
            } else if i > level {
                *c = 0;
            }
        }
        let lvl = &levels[level];
        if matches!(lvl.format.as_str(), "bullet" | "none") {
            return String::new();
        }
        let mut label = lvl.text.clone();
        for (i, l) in levels.iter().enumerate().take(level + 1) {
            let value = counters[i].max(l.start.max(1));
            label = label.replace(&format!("%{}", i + 1), &format_number(value, &l.format));
        }
        label
    }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => chinese(n),
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        _ => n.to_string(),
    }
}

/// 1 → 一, 12 → 十二, 23 → 二十三.
fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn letter(n: u32, base: u8) -> String {
    let i = (n.max(1) - 1) % 26;
    ((base + i as u8) as char).to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal .docx with the given document.xml body and numbering.xml.
    pub fn make_docx(body: &str, numbering: Option<&str>) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            let doc = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"{W}\"><w:body>{body}</w:body></w:document>"
            );
            z.start_file("word/document.xml", opts).unwrap();
            z.write_all(doc.as_bytes()).unwrap();
            if let Some(n) = numbering {
                z.start_file("word/numbering.xml", opts).unwrap();
                z.write_all(
                    format!(
                        "<?xml version=\"1.0\"?><w:numbering xmlns:w=\"{W}\">{n}</w:numbering>"
                    )
                    .as_bytes(),
                )
                .unwrap();
            }
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    #[test]
    fn paragraphs_tables_and_auto_numbers() {
        let numbering = "<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/></w:lvl><w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%2.\"/></w:lvl></w:abstractNum><w:num w:numId=\"5\"><w:abstractNumId w:val=\"0\"/></w:num>";
        let np = |lvl: u8, text: &str| {
            format!(
                "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{lvl}\"/><w:numId w:val=\"5\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
            )
        };
        let cell = |t: &str, extra: &str| format!("<w:tc><w:tcPr>{extra}</w:tcPr>{}</w:tc>", p(t));
        let body = format!(
            "{}{}{}{}{}<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            p("标题"),
            np(0, "总体要求"),
            np(1, "加强领导。"),
            np(1, "完善制度。"),
            np(0, "主要任务"),
            cell("项目", ""),
            cell("具体项目", ""),
            cell("牵头单位", ""),
            cell("一、宪法", "<w:vMerge w:val=\"restart\"/>"),
            cell("1.学习宪法。", ""),
            cell("区司法局", ""),
            cell("", "<w:vMerge/>"),
            cell("2.宣传宪法。", "<w:gridSpan w:val=\"2\"/>"),
        );
        let blocks = extract("a.docx", &make_docx(&body, Some(numbering))).unwrap();
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            &texts[..5],
            &[
                "标题",
                "一、总体要求",
                "1.加强领导。",
                "2.完善制度。",
                "二、主要任务"
            ]
        );
        assert_eq!(
            blocks[7].cells.as_ref().unwrap(),
            &vec!["".to_string(), "2.宣传宪法。".into(), "".into()]
        );
        assert_eq!(blocks[6].table, Some(0));
    }

    #[test]
    fn bad_files_are_errors_not_panics() {
        assert!(extract("a.docx", b"PK\x03\x04garbage").is_err());
        assert!(extract("a.docx", &make_docx("<w:p><w:r><w:t>a</w:t>", None)).is_err());
        let dtd = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><w:p/>";
        let _ = extract("a.docx", &make_docx(dtd, None));
        let deep = "<w:sdt>".repeat(20_000) + &"</w:sdt>".repeat(20_000);
        let _ = extract("a.docx", &make_docx(&deep, None));
        assert_eq!(chinese(23), "二十三");
        assert_eq!(chinese(10), "十");
    }
}
