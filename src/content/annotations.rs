//! Reading who answers for a task out of the task's own words.
//!
//! Real documents name units in (at least) these ways, with half- and
//! full-width punctuation alike:
//! 1. a trailing sentence: `…纳入年度目标考核。牵头单位:区委依法治区办、区司法局。`
//!    (also `牵头部门:`);
//! 2. a parenthesis listing all units, with a rule stated once that applies to
//!    every later task: `(责任单位:县人大常委会办公室、县委办公室。排名第一的单位为牵头单位。下同)`;
//! 3. a parenthesis with leaders, leads and participants, plus schedule lines:
//!    `(牵头区领导:张三、李四,牵头单位:区检察院、区公安分局,参与单位:区法院)`,
//!    `进度安排:2015年6月底前,…。` and `近期重点突破的工作:…`;
//! 4. table cells (handled by the loaders, which call [`split_units`]);
//! 5. nothing at all.

/// What [`Extractor::extract`] found in one task's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    /// The measure's text with every recognised annotation removed (trimmed).
    pub text: String,
    /// 牵头单位 / 牵头部门, as written (not yet resolved against a registry).
    pub lead: Vec<String>,
    /// 责任单位 / 责任部门
    pub responsible: Vec<String>,
    /// 参与单位 / 配合单位 / 协办单位
    pub participating: Vec<String>,
    /// 牵头区领导 / 牵头领导 / 责任领导: people.
    pub officials: Vec<String>,
    /// 进度安排 / 完成时限 / 时间安排, the words after the label.
    pub schedule: Option<String>,
    /// 近期重点突破的工作, the words after the label.
    pub priority: Option<String>,
}

/// Extracts annotations task by task, carrying rules such as
/// `排名第一的单位为牵头单位。下同` from one task to the next.
#[derive(Debug, Default)]
pub struct Extractor {
    first_listed_is_lead: bool,
}

impl Extractor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one task's text (which may span several lines).
    pub fn extract(&mut self, _text: &str) -> Annotations {
        todo!("annotation extraction")
    }
}

/// Splits a list of unit names written as in documents: separators `、` `,` `，`
/// `;` `；` and `及`; empty items from doubled separators are dropped; brackets
/// `()（）〈〉《》` are never split inside. `known` lists names that themselves
/// contain a separator (e.g. `各街道、镇`) and must stay whole.
pub fn split_units(_list: &str, _known: &[String]) -> Vec<String> {
    todo!("unit list splitting")
}
