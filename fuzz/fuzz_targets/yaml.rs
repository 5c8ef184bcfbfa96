//! YAML content files (`plan:` / `notice:` + `plans:`), the line locator and
//! `site.yaml`, on arbitrary UTF-8.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use planpress::config::SiteConfig;
use planpress::content::units::Registry;
use planpress::content::yaml::load;
use planpress::urls::Urls;
use planpress::yaml_lines::Locator;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = load(Path::new("content/f.yaml"), text, &Registry::default());
    for p in &loaded.plans {
        assert!(!p.slug.is_empty());
    }
    let _ = Locator::read(text).line("plans.0.sections.0.tasks.0");
    if let Ok(c) = SiteConfig::parse(text) {
        let urls = Urls::new(&c);
        let base = urls.base();
        assert!(base.starts_with('/') && base.ends_with('/'), "{base}");
        if let Some(absolute) = urls.absolute() {
            assert!(absolute.ends_with(base), "{absolute} {base}");
        }
    }
});
