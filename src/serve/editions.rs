//! The editions `serve` shows: their themes load with the site's theme
//! (in [`super::rebuild`]); the translation files of the translated
//! editions (`translations/LANG/`) are read once and kept, and checked
//! against the site at every change of the content, as a build checks
//! them. An edition's model is made only when one of its pages is asked
//! for ([`super::memory::Generation`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::content::translations::TranslationFiles;
use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::editions::{EditionThemes, Editions};

/// The folder of the translated editions' files, beside `content/`.
pub const TRANSLATIONS_DIR: &str = "translations";

/// The translation files of each language, as last read.
pub(super) struct Translations {
    root: PathBuf,
    files: HashMap<String, TranslationFiles>,
}

impl Translations {
    pub(super) fn new(root: &Path) -> Translations {
        Translations {
            root: root.to_path_buf(),
            files: HashMap::new(),
        }
    }

    /// Forgets the files read: they are read again when next needed.
    pub(super) fn forget(&mut self) {
        self.files.clear();
    }

    /// The editions of `site` made with `themes`: each translated edition's
    /// translations checked against `site`, the ones that name what it
    /// lacks left out, and what is wrong with them.
    pub(super) fn editions(
        &mut self,
        themes: &Arc<EditionThemes>,
        site: &Site,
    ) -> ((Arc<EditionThemes>, Arc<Editions>), Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let mut checked = Vec::new();
        for (_, lang, _) in &themes.translated {
            let files = self
                .files
                .entry(lang.clone())
                .or_insert_with(|| TranslationFiles::read(&self.root, lang));
            let (translations, mut found) = files.check(site);
            problems.append(&mut found);
            checked.push(translations);
        }
        let editions = Arc::new(Editions::of(themes, checked));
        ((themes.clone(), editions), problems)
    }
}

/// Whether `rel` (relative to the root) is a file a translated edition
/// reads (`translations/LANG/*.yaml`), or a language's folder.
pub fn is_translation(rel: &Path) -> bool {
    let yaml = matches!(
        rel.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    rel.starts_with(TRANSLATIONS_DIR) && (yaml || rel.components().count() <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_files_and_folders_are_told_apart_from_others() {
        for yes in [
            "translations",
            "translations/ug",
            "translations/ug/names.yaml",
            "translations/ug/plan.yml",
        ] {
            assert!(is_translation(Path::new(yes)), "{yes}");
        }
        for no in [
            "translations/ug/.names.yaml.swp",
            "translations/ug/notes.txt",
            "content/translations/ug/a.yaml",
        ] {
            assert!(!is_translation(Path::new(no)), "{no}");
        }
    }
}
