//! The document's jurisdiction (行政区划): from `--jurisdiction`, the
//! issuer, the title or the units' names, matched to the site's.

use super::*;

patterns! {
    /// A place name's first level: `哈尔滨市`, `道里区`.
    static PLACE = r"^(\p{Han}{2,6}?(?:省|自治区|自治州|地区|盟|市|州|自治县|县|区|旗))";
}

/// A place name at the start of an issuer or title: `中共哈尔滨市道里区委…`
/// → `哈尔滨市道里区`, `中共株洲县委` → `株洲县`.
pub(super) fn place_of(text: &str) -> Option<String> {
    let mut t = compact(text);
    for prefix in ["中国共产党", "中共", "关于印发", "关于"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
        }
    }
    let mut out = String::new();
    let mut rest = t.as_str();
    for _ in 0..3 {
        let Some(m) = PLACE.find(rest) else { break };
        let token = m.as_str();
        let bad = token.starts_with(['区', '县', '市', '省'])
            || [
                "委", "政府", "办", "局", "部", "院", "党", "人大", "法治", "全面", "建设", "依法",
            ]
            .iter()
            .any(|w| token.contains(w));
        if bad {
            break;
        }
        out.push_str(token);
        rest = &rest[m.end()..];
        if token.ends_with(['县', '区', '旗']) {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A place that is no place: `某某市`, `XX县` in a template.
pub(super) fn template_place(place: &str) -> bool {
    place.contains(['某', 'X', 'x', '×', '○', '*', 'Ｘ'])
}

/// Places named by the units' own prefixes (`下陆区司法局`, `清河县财政局`),
/// most named first: a clue when no issuer or title names one.
pub(super) fn unit_places(blocks: &[Block]) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for b in blocks {
        for piece in b.text.split(|c: char| "、，,;；:：()（）。 ".contains(c)) {
            if !organ_like(piece) {
                continue;
            }
            let Some(place) = place_of(piece).filter(|p| !template_place(p)) else {
                continue;
            };
            match counts.iter_mut().find(|(p, _)| *p == place) {
                Some((_, n)) => *n += 1,
                None => counts.push((place, 1)),
            }
        }
    }
    // Stable: equal counts keep document order.
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.into_iter().map(|(p, _)| p).collect()
}

/// `下陆区` named whole somewhere in the text (`黄石市下陆区`): the most
/// frequent such name, so that the jurisdiction does not come out short.
pub(super) fn whole_place(place: &str, blocks: &[Block]) -> Option<String> {
    let chars = place.chars().count();
    let single_level = place.ends_with(['区', '县', '旗'])
        && !place
            .chars()
            .take(chars.saturating_sub(1))
            .any(|c| matches!(c, '市' | '州' | '盟' | '省'));
    if !single_level {
        return None;
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for b in blocks {
        let text = compact(&b.text);
        for (at, _) in text.match_indices(place) {
            // The two characters and the `市`/`州`/`盟` just before it: most
            // upper levels' names are that long, and a longer grab would
            // take in the words before (`贯彻黄石市`).
            let before: Vec<char> = text[..at].chars().rev().take(3).collect();
            let [suffix, b2, b1] = before[..] else {
                continue;
            };
            let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
            if !matches!(suffix, '市' | '州' | '盟')
                || !is_han(b1)
                || !is_han(b2)
                || "全本各该我市县区省的和在与及、".contains(b1)
                || "市县区省".contains(b2)
            {
                continue;
            }
            let whole = format!("{b1}{b2}{suffix}{place}");
            if template_place(&whole) {
                continue;
            }
            match counts.iter_mut().find(|(w, _)| *w == whole) {
                Some((_, n)) => *n += 1,
                None => counts.push((whole, 1)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.into_iter().next().map(|(w, _)| w)
}

/// The document's jurisdiction: `--jurisdiction`; else a place named by the
/// issuer, signature or title; else by weaker clues (the page's source, the
/// site's name, the units' own prefixes), made whole from the text and
/// matched to one the site already has. None at all: a placeholder that
/// `check` flags, and a note for the reviewer.
pub(super) fn jurisdiction(
    opts: &Options,
    ctx: &Context,
    hints: &[String],
    weak: &[String],
    blocks: &[Block],
    report: &mut Report,
) -> String {
    if let Some(j) = opts
        .jurisdiction
        .as_deref()
        .map(str::trim)
        .filter(|j| !j.is_empty())
    {
        return j.to_string();
    }
    let from = |list: &[String]| {
        list.iter()
            .filter_map(|h| place_of(h))
            .find(|p| !template_place(p))
    };
    let (found, clue) = match from(hints) {
        Some(p) => (p, "the issuer or title"),
        None => match from(weak) {
            Some(p) => (p, "the page's source or the site's name"),
            None => match unit_places(blocks).into_iter().next() {
                Some(p) => (p, "the units' names"),
                None => {
                    let placeholder = crate::content::fields::PLACEHOLDER;
                    report.unsure(
                        0,
                        format!("cannot tell the jurisdiction (行政区划) from the issuer, title or units; written as {placeholder}: fill it in, or give --jurisdiction"),
                    );
                    return placeholder.to_string();
                }
            },
        },
    };
    let found = match whole_place(&found, blocks) {
        Some(whole) => {
            report.dropped(
                0,
                format!("jurisdiction {found} in the document's head, named whole as {whole} in its text"),
            );
            whole
        }
        None => found,
    };
    if ctx.jurisdictions.contains(&found) {
        return found;
    }
    on_site(ctx, found, clue, report)
}

/// The site's name for the jurisdiction `found` in the document (read from
/// `clue`): `下陆区` in the document, `黄石市下陆区` on the site.
pub(super) fn on_site(ctx: &Context, found: String, clue: &str, report: &mut Report) -> String {
    let last_level = |s: &str| -> String {
        let chars: Vec<char> = s.chars().collect();
        let cut = chars
            .iter()
            .enumerate()
            .rev()
            .skip(1)
            .find(|(_, c)| matches!(c, '市' | '省' | '州' | '盟' | '区'))
            .map_or(0, |(i, _)| i + 1);
        chars[cut..].iter().collect()
    };
    let tail = last_level(&found);
    let matches: Vec<&String> = ctx
        .jurisdictions
        .iter()
        .filter(|j| j.ends_with(&tail) && tail.chars().count() >= 2)
        .collect();
    if let [one] = matches.as_slice() {
        report.dropped(
            0,
            format!("jurisdiction {found} in the document, taken as the site's {one}"),
        );
        return (*one).clone();
    }
    report.unsure(
        0,
        format!("jurisdiction taken as {found} from {clue}; give --jurisdiction to choose another"),
    );
    found
}
