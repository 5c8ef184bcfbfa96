//! Deadlines written in prose: `2015年6月底前`, `2015年底前`, `从2015年起`,
//! `到2020年`, `2021年-2022年`...

use crate::model::Deadline;

/// Finds every deadline phrase in `text`, in order of appearance.
pub fn parse_deadlines(_text: &str) -> Vec<Deadline> {
    todo!("deadline parsing")
}
