//! The metadata a document may carry (发文字号, 成文日期, 附件…), declared once.
//!
//! [`doc_meta!`] names each field with its type as a content file writes it
//! and the model holds it. It hands the list to a macro of the caller's, which
//! builds what it needs from it: the model's `DocMeta`, the loader's
//! `DocFields`, the importer's `Meta` and YAML writer, and the templates'
//! `MetaView`. A new field is one line here, its word and place in the theme.
//!
//! The list has two groups. `facts` are the rows of the portal's metadata
//! table: each is an `Option`, absent unless the document gives it, and a plan
//! inherits those its notice gives. `links` are the document's links, which
//! the importer finds in its own shape (a page's address, (title, url) pairs).
//! The document's identity (title, kind, jurisdiction, slug) is not here: each
//! stage holds it in its own way, and `content::fields` checks it.

use chrono::NaiveDate;
use serde::Serialize;

/// Calls `$callback! { facts { … } links { … } }` with every field, each
/// `/// doc` `name: Type,`. The order is the order `planpress import` writes
/// them in.
macro_rules! doc_meta {
    ($callback:ident) => {
        $callback! {
            facts {
                /// 发文机关
                issuer: Option<String>,
                /// 发文字号, e.g. `哈里治区委发〔2017〕2号`
                doc_number: Option<String>,
                /// 索引号, e.g. `104/2016-00001`
                index_number: Option<String>,
                /// 成文日期
                date_signed: Option<::chrono::NaiveDate>,
                /// 发布日期
                date_published: Option<::chrono::NaiveDate>,
                /// 主题分类 as the portal gives it
                category: Option<String>,
                /// 有效性
                validity: Option<String>,
                /// 公开方式
                disclosure: Option<String>,
                /// 责任编辑
                editor: Option<String>,
            }
            links {
                /// 来源
                source: Option<$crate::vocabulary::Link>,
                /// 附件
                attachments: Vec<$crate::vocabulary::Link>,
                /// 相关链接
                links: Vec<$crate::vocabulary::Link>,
            }
        }
    };
}
pub(crate) use doc_meta;

/// A link in a document's metadata (附件, 相关链接, 来源).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// Whether a field is left out when written: no value, or an empty list.
pub fn absent<T: Value>(v: &T) -> bool {
    v.is_absent()
}

/// What every field's type can do, whatever the field.
pub trait Value: Clone {
    fn is_absent(&self) -> bool;
    /// The value as the model keeps it: text trimmed, blank text absent.
    fn tidy(&self) -> Self {
        self.clone()
    }
    /// Calls `f` on every piece of text the value holds.
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String));
}

impl Value for Option<String> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
    fn tidy(&self) -> Self {
        self.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let Some(s) = self {
            f(s);
        }
    }
}

impl Value for Option<NaiveDate> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
    fn each_text(&mut self, _: &mut dyn FnMut(&mut String)) {}
}

impl Value for Option<Link> {
    fn is_absent(&self) -> bool {
        self.is_none()
    }
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let Some(l) = self {
            f(&mut l.title);
            f(&mut l.url);
        }
    }
}

impl Value for Vec<Link> {
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
    fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
        for l in self {
            f(&mut l.title);
            f(&mut l.url);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_absent_once_tidied() {
        assert_eq!(
            Some(" 区司法局 ".to_string()).tidy().as_deref(),
            Some("区司法局")
        );
        assert_eq!(Some("  ".to_string()).tidy(), None);
        assert!(absent(&Vec::<Link>::new()));
        assert!(!absent(&Some(NaiveDate::MIN)));
    }
}
