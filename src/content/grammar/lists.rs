//! Lists of names read with their role verbs (`区司法局牵头,区法院配合`),
//! in one pass over each item's bytes.

use super::*;

/// Where a list item holds the letters [`read_list`] splits at, found in one
/// pass over its bytes (first byte offsets), instead of one search per
/// letter and word and one conjunction split per part. It replaces the
/// standard library's searches, not a crate or a regex: with the one-letter
/// fast path it took `read_list` from 0.88 G to 0.43 G instructions of
/// `planpress check` at 1,000 plans (BENCHMARKS.md, "The grammar's second
/// round").
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marks {
    /// An ASCII digit: the item may hold a time.
    pub(super) digit: bool,
    /// The first `及` or `和`.
    pub(super) conjunction: Option<usize>,
    /// The first `等`.
    pub(super) deng: Option<usize>,
    /// The first `会同`.
    pub(super) jointly: Option<usize>,
}

impl Marks {
    pub(super) fn of(item: &str) -> Marks {
        let b = item.as_bytes();
        let mut marks = Marks::default();
        for (i, &lead) in b.iter().enumerate() {
            // Three-byte letters are compared whole at their lead byte
            // (`E4`, `E5`, `E7` never continue a letter).
            let next = || b.get(i + 1..i + 3);
            match lead {
                b'0'..=b'9' => marks.digit = true,
                // 及 E5 8F 8A, 和 E5 92 8C.
                0xe5 if matches!(next(), Some([0x8f, 0x8a] | [0x92, 0x8c])) => {
                    marks.conjunction.get_or_insert(i);
                }
                // 等 E7 AD 89.
                0xe7 if next() == Some(&[0xad, 0x89]) => {
                    marks.deng.get_or_insert(i);
                }
                // 会同 E4 BC 9A E5 90 8C.
                0xe4 if marks.jointly.is_none() && b[i..].starts_with(JOINTLY.as_bytes()) => {
                    marks.jointly = Some(i);
                }
                _ => {}
            }
        }
        marks
    }
}

/// What one list says, each name with its role.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Listed {
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub participating: Vec<String>,
    /// Time words found among the names (`6月底完成`).
    pub schedule: Vec<String>,
}

impl Listed {
    pub(super) fn push(&mut self, role: Role, names: Vec<String>) {
        match role {
            Role::Lead => self.lead.extend(names),
            Role::Responsible => self.responsible.extend(names),
            Role::Participating => self.participating.extend(names),
        }
    }
}

/// One name of a list, with the verb written after it.
pub(crate) struct Piece<'a> {
    pub(crate) text: Cow<'a, str>,
    /// The separator written before the name (`None` for the first).
    pub(crate) sep: Option<char>,
    /// A registry name kept whole.
    pub(crate) known: bool,
    pub(crate) verb: Option<Verb>,
}

/// Reads a list of names with their verbs. `default` is the role of names
/// without a verb (a label's role); without one (a clause found in running
/// text) every name must look like a unit and be followed by a verb, or the
/// list is not an annotation (`None`).
pub(crate) fn read_list<'a>(
    items: Vec<crate::content::annotations::Written<'a>>,
    default: Option<Role>,
) -> Option<Listed> {
    let strict = default.is_none();
    let mut out = Listed::default();
    let mut pieces: Vec<Piece<'a>> = Vec::with_capacity(items.len());
    let mut any_verb = false;
    for (k, item) in items.into_iter().enumerate() {
        // Prose fails at its first words: no need to read the rest.
        if strict && k == 1 && pieces.first().is_some_and(|p| !looks_like_unit(&p.text)) {
            return None;
        }
        any_verb |= read_item(item, k == 0, &mut pieces, &mut out.schedule);
    }
    let pieces = join_groups(pieces);
    if strict && (!any_verb || pieces.iter().any(|p| !p.known && !looks_like_unit(&p.text))) {
        return None;
    }
    assign_roles(pieces, default, out)
}

/// Reads one item of a list (the first when `first_item`) into `pieces`,
/// its names each with the verb that closes it, and a time written in it
/// into `schedule`. True when the item holds a role verb.
pub(super) fn read_item<'a>(
    item: crate::content::annotations::Written<'a>,
    first_item: bool,
    pieces: &mut Vec<Piece<'a>>,
    schedule: &mut Vec<String>,
) -> bool {
    let text = crate::content::annotations::clean_item(item.text);
    if text.is_empty() {
        return false;
    }
    if item.known {
        pieces.push(Piece {
            text: text.into(),
            sep: item.sep,
            known: true,
            verb: None,
        });
        return false;
    }
    let marks = Marks::of(text);
    let (core, time) = split_time_marked(text, marks.digit);
    if let Some(t) = time {
        schedule.push(t.trim_end_matches(['。', '.', '．']).to_string());
    }
    let (mut core, verb) = strip_verb(core);
    let mut any_verb = verb.is_some();
    // `core` is a prefix of `text` here, and later a part of it ending at
    // the same byte: a letter marked past that end is not in it.
    let end = core.len();
    let before_end = |at: Option<usize>, len: usize| at.filter(|&a| a + len <= end);
    let mut jointly = before_end(marks.jointly, JOINTLY.len());
    // `由X牵头`, `此项工作由X牵头`, `由X会同Y负责`: the names follow `由`.
    if (verb.is_some() || jointly.is_some())
        && first_item
        && let Some(at) = core.rfind('由')
        && core[..at].chars().count() <= 8
        && jointly.is_none_or(|j| at < j)
    {
        let after = core[at + '由'.len_utf8()..].trim_matches(is_blank);
        // `会同` lies after `由`: it moves with the names' start.
        jointly = jointly.map(|j| j - (core.len() - after.len()));
        core = after;
    }
    // `X会同Y、Z负责`: X leads, the names after `会同` share the verb.
    if let Some(at) = jointly {
        let left = core[..at].trim_matches(is_blank);
        if looks_like_unit(left) {
            pieces.push(Piece {
                text: left.into(),
                sep: item.sep,
                known: false,
                verb: Some(Verb::Lead),
            });
            any_verb = true;
            core = core[at + JOINTLY.len()..].trim_matches(is_blank);
        }
    }
    if core.is_empty() {
        // `各负其责` alone, or a time: the verb closes what came before.
        if let (Some(v), Some(last)) = (verb, pieces.last_mut())
            && last.verb.is_none()
        {
            last.verb = Some(v);
        }
        return any_verb;
    }
    // A first mark before `core`'s start may hide a later one in it: such
    // items take the general way.
    let conjunction = before_end(marks.conjunction, '及'.len_utf8()).is_some();
    let deng = before_end(marks.deng, '等'.len_utf8()).is_some();
    push_names(pieces, core, item.sep, conjunction, deng);
    // The verb closes the item's last name.
    if let Some(last) = pieces.last_mut() {
        last.verb = verb;
    }
    any_verb
}

/// Pushes the names of `core`, split at conjunctions (`及`, `和`) and `等`
/// when it holds them: the first with the item's separator `sep`, the
/// others with `及`.
pub(super) fn push_names<'a>(
    pieces: &mut Vec<Piece<'a>>,
    core: &'a str,
    sep: Option<char>,
    conjunction: bool,
    deng: bool,
) {
    let first = pieces.len();
    let mut push = |name: &'a str| {
        let sep = if pieces.len() == first {
            sep
        } else {
            Some('及')
        };
        pieces.push(Piece {
            text: name.into(),
            sep,
            known: false,
            verb: None,
        });
    };
    match (conjunction, deng) {
        // Most items are one name: nothing to split.
        (false, false) => push(core),
        (false, true) => {
            let (head, tail) = crate::content::annotations::split_deng(core);
            push(head);
            tail.into_iter().for_each(&mut push);
        }
        // `X等省直有关部门和各市人民政府`: `等` is read in each part.
        (true, _) => {
            for part in split_conjunctions(core) {
                let (head, tail) = crate::content::annotations::split_deng(part);
                split_conjunctions(head).into_iter().for_each(&mut push);
                tail.into_iter().for_each(&mut push);
            }
        }
    }
}

/// Gives the names their roles: a verb closes the names since the last
/// one; names no verb closes take `default` (none: the list is not read).
pub(super) fn assign_roles(
    pieces: Vec<Piece<'_>>,
    default: Option<Role>,
    mut out: Listed,
) -> Option<Listed> {
    let explicit_lead = pieces.iter().any(|p| p.verb == Some(Verb::Lead));
    let mut pending: Vec<String> = Vec::new();
    for p in pieces {
        pending.push(p.text.into_owned());
        let Some(verb) = p.verb else { continue };
        let role = match (verb, default) {
            (Verb::Lead, _) => Role::Lead,
            (Verb::Assist, _) => Role::Participating,
            (_, Some(role)) => role,
            (Verb::Scoped, None) => Role::Responsible,
            (Verb::Duty, None) if explicit_lead => Role::Responsible,
            (Verb::Duty, None) => Role::Lead,
        };
        out.push(role, std::mem::take(&mut pending));
    }
    if !pending.is_empty() {
        out.push(default?, pending);
    }
    Some(out)
}
